/**
 * Small pieces the vendors' models and the joins share: key–value lists and the empty connection
 * of a join that has nothing on the other side.
 */
import {
  connectionBinding,
  parseConnectionArgs,
  toConnection,
  type ConnectionArgs,
  type ConnectionResult,
} from '../pagination/connection.js';

/** Given a string map, returns its entries as KeyValue objects sorted by key. */
export function keyValues(map: Record<string, string> | null | undefined): { key: string; value: string }[] {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
}

/** An empty connection, after the same argument checks a real one makes. */
export function emptyConnection<T>(args: ConnectionArgs, what: string): ConnectionResult<T> {
  parseConnectionArgs(args, { backward: true, what });
  return {
    ...toConnection<T, never>(
      { items: [], hasNextPage: false, hasPreviousPage: false },
      connectionBinding(what, null),
    ),
    totalCount: () => 0,
  };
}
