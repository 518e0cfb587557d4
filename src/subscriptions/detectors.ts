/**
 * Change detection shared by the vendors whose APIs cannot filter on an update time: the filtered
 * list read whole each poll and diffed with the previous one (`SnapshotDetector`), within a bound
 * on how many objects one subscription may watch. Vendors that can do better bring their own
 * detector (Fireworks: an AIP-160 `update_time` watermark, vendors/fireworks/live.ts). The README's
 * "Live updates" gives each vendor's cost per interval.
 *
 * The first poll reads the baseline and reports nothing: subscribers see changes from then on.
 */
import { badUserInput } from '../errors.js';
import { changedFields, type Change, type ChangeDetector } from './changes.js';

/** The most objects a list-diff subscription may watch (it reads them all every interval). */
export const MAX_WATCHED_OBJECTS = 10_000;

/** The filtered list read whole and diffed with the previous poll. */
export class SnapshotDetector<Source, T extends object> implements ChangeDetector<Source> {
  private previous: Map<string, T> | undefined;

  constructor(
    private readonly read: (source: Source) => Promise<T[]>,
    private readonly keyOf: (item: T) => string,
    /** Fields compared one level down (see `changedFields`). */
    private readonly nested: ReadonlySet<string> = new Set(),
  ) {}

  async poll(source: Source): Promise<Change[]> {
    const current = new Map((await this.read(source)).map((item) => [this.keyOf(item), item]));
    const previous = this.previous;
    this.previous = current;
    if (!previous) return [];
    const changes: Change[] = [];
    for (const [key, item] of current) {
      const before = previous.get(key);
      if (!before) {
        changes.push({ kind: 'ADDED', node: item, changedFields: [] });
        continue;
      }
      const fields = changedFields(before, item, this.nested);
      if (fields.length > 0) changes.push({ kind: 'CHANGED', node: item, changedFields: fields });
    }
    for (const [key, item] of previous) {
      if (!current.has(key)) changes.push({ kind: 'REMOVED', node: item, changedFields: [] });
    }
    return changes;
  }
}

/**
 * The pages a watched list may take in pages of `pageSize`: enough for MAX_WATCHED_OBJECTS and
 * one more to see it end, so a vendor listing empty pages with a next token cannot loop a poller.
 */
export function maxWatchedPages(pageSize: number): number {
  return Math.ceil(MAX_WATCHED_OBJECTS / pageSize) + 1;
}

/** Refuses a watched list that has grown past MAX_WATCHED_OBJECTS (checked as pages arrive). */
export function checkWatchedCount(count: number): void {
  if (count > MAX_WATCHED_OBJECTS) {
    throw badUserInput(
      `This subscription's filter matches more than ${MAX_WATCHED_OBJECTS} objects, which it would re-read every interval; narrow the filter.`,
      { limit: 'MAX_WATCHED_OBJECTS', maximum: MAX_WATCHED_OBJECTS },
    );
  }
}
