/**
 * Change detection, the cheapest each API allows (the README's "Live updates" gives the cost):
 *
 * - Fireworks (`UpdateTimeDetector`): AIP-160 on `update_time`. Each poll asks for what changed
 *   since the watermark (`update_time >= W`, the newest update time seen, across the account);
 *   when nothing did, that one call is the whole poll. When something did and the subscription has
 *   a filter, one more call (`(<filter>) AND update_time >= W`) says which of those changes match
 *   it: a known object that changed and no longer matches is REMOVED. `>=` rather than `>`
 *   because update times have one-second precision; objects already seen in that second are
 *   recognised by content and not reported twice.
 * - Run:ai and Gitpod (`SnapshotDetector`): neither can filter on an update time (Run:ai's
 *   `filterBy` knows no `updatedAt`; Gitpod's filter only projects and classes), so each poll
 *   reads the filtered list whole, 500 pods or 100 warm pools a page, and diffs it with the last.
 *
 * The first poll reads the baseline and reports nothing: subscribers see changes from then on.
 */
import { badUserInput } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import {
  FIREWORKS_MAX_PAGE_SIZE,
  FireworksClient,
  type ListPage,
  type ListParams,
} from '../vendors/fireworks/client.js';
import { and } from '../vendors/fireworks/filter.js';
import {
  GITPOD_MAX_PAGE_SIZE,
  GitpodClient,
  type GitpodWarmPool,
  type GitpodWarmPoolFilter,
} from '../vendors/gitpod/client.js';
import { RUNAI_MAX_LIMIT, RunaiClient, type RunaiPod } from '../vendors/runai/client.js';
import type { CompiledPodFilter } from '../vendors/runai/filter.js';
import { changedFields, stableJson, type LiveType } from './changes.js';

/** How an object changed between two polls. */
export type ChangeKind = 'ADDED' | 'CHANGED' | 'REMOVED';

/** One change, with the object as the vendor sends it (what the type resolvers take). */
export interface Change {
  kind: ChangeKind;
  node: object;
  changedFields: string[];
}

/** Finds the changes of one filtered collection, poll after poll. */
export interface ChangeDetector {
  /** Reads the baseline on the first call (returning no change), the changes since on later ones. */
  poll(ctx: GatewayContext): Promise<Change[]>;
}

/** The most objects a list-diff subscription may watch (it reads them all every interval). */
export const MAX_WATCHED_OBJECTS = 10_000;

type FireworksLister = (
  client: FireworksClient,
  params: ListParams,
) => Promise<ListPage<{ name: string; updateTime?: string }>>;

/** Fireworks: AIP-160 `update_time` watermark (see the file comment). */
export class UpdateTimeDetector implements ChangeDetector {
  private readonly known = new Map<string, object>();
  /** Objects seen at or after the watermark, by name, as JSON: their repeats are not changes. */
  private readonly seen = new Map<string, { json: string; updateTime: number }>();
  private watermark: string | undefined;

  constructor(
    private readonly type: LiveType,
    private readonly list: FireworksLister,
    private readonly filter: string | undefined,
  ) {}

  async poll(ctx: GatewayContext): Promise<Change[]> {
    const client = new FireworksClient(ctx.sessions.fireworks, ctx.fireworks.accountId);
    if (this.watermark === undefined) {
      const latest = await this.list(client, { pageSize: 1, orderBy: 'update_time desc' });
      for (const item of await this.walk(client, this.filter)) this.known.set(item.name, item);
      const newest = latest.items[0];
      if (newest) this.remember(newest);
      this.watermark = newest?.updateTime ?? '1970-01-01T00:00:00Z';
      return [];
    }
    const since = `update_time >= "${this.watermark}"`;
    const updated = await this.walk(client, since);
    const fresh = new Map<string, { name: string; updateTime?: string }>();
    for (const item of updated) {
      if (this.seen.get(item.name)?.json !== stableJson(item)) fresh.set(item.name, item);
    }
    if (fresh.size === 0) return [];
    // Without a filter every changed object matches; with one, a second call says which do.
    const matching = new Map<string, object>();
    if (this.filter === undefined) {
      for (const [name, item] of fresh) matching.set(name, item);
    } else {
      for (const item of await this.walk(client, and([this.filter, since]))) {
        matching.set(item.name, item);
        if (!fresh.has(item.name)) fresh.set(item.name, item);
      }
    }
    const changes: Change[] = [];
    for (const [name, item] of fresh) {
      const before = this.known.get(name);
      const now = matching.get(name);
      if (now && !before) {
        changes.push({ kind: 'ADDED', node: now, changedFields: [] });
        this.known.set(name, now);
      } else if (now && before) {
        const fields = changedFields(this.type, before, now);
        if (fields.length > 0) changes.push({ kind: 'CHANGED', node: now, changedFields: fields });
        this.known.set(name, now);
      } else if (before) {
        changes.push({ kind: 'REMOVED', node: item, changedFields: changedFields(this.type, before, item) });
        this.known.delete(name);
      }
    }
    // Only now, so a poll that fails half-way reports these changes on the next one.
    for (const item of [...updated, ...fresh.values()]) this.remember(item);
    this.advance();
    return changes;
  }

  private remember(item: { name: string; updateTime?: string }): void {
    this.seen.set(item.name, { json: stableJson(item), updateTime: Date.parse(item.updateTime ?? '') || 0 });
  }

  /** Moves the watermark to the newest update time seen and forgets what is older. */
  private advance(): void {
    let newest = Date.parse(this.watermark ?? '') || 0;
    for (const { updateTime } of this.seen.values()) newest = Math.max(newest, updateTime);
    for (const [name, { updateTime }] of this.seen) if (updateTime < newest) this.seen.delete(name);
    this.watermark = new Date(newest).toISOString().replace('.000Z', 'Z');
  }

  private async walk(
    client: FireworksClient,
    filter: string | undefined,
  ): Promise<{ name: string; updateTime?: string }[]> {
    const items: { name: string; updateTime?: string }[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.list(client, { pageSize: FIREWORKS_MAX_PAGE_SIZE, pageToken, filter });
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  }
}

/** Run:ai and Gitpod: the filtered list read whole and diffed with the previous poll. */
export class SnapshotDetector<T extends object> implements ChangeDetector {
  private previous: Map<string, T> | undefined;

  constructor(
    private readonly type: LiveType,
    private readonly read: (ctx: GatewayContext) => Promise<T[]>,
    private readonly keyOf: (item: T) => string,
  ) {}

  async poll(ctx: GatewayContext): Promise<Change[]> {
    const current = new Map((await this.read(ctx)).map((item) => [this.keyOf(item), item]));
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
      const fields = changedFields(this.type, before, item);
      if (fields.length > 0) changes.push({ kind: 'CHANGED', node: item, changedFields: fields });
    }
    for (const [key, item] of previous) {
      if (!current.has(key)) changes.push({ kind: 'REMOVED', node: item, changedFields: [] });
    }
    return changes;
  }
}

/** Returns a reader of every pod matching a compiled filter (full verbosity, 500 a page). */
export function readPods(filter: CompiledPodFilter): (ctx: GatewayContext) => Promise<RunaiPod[]> {
  return async (ctx) => {
    const client = new RunaiClient(ctx.sessions.runai);
    const pods: RunaiPod[] = [];
    let offset = 0;
    for (;;) {
      const page = await client.listPods({
        offset,
        limit: RUNAI_MAX_LIMIT,
        filterBy: filter.filterBy,
        search: filter.search,
        deleted: filter.deleted,
        completed: filter.completed === undefined ? undefined : filter.completed ? 'true' : 'false',
        verbosity: 'full',
      });
      pods.push(...page.pods);
      tooMany(pods.length);
      if (page.next === undefined || page.pods.length === 0) return pods;
      offset = page.next;
    }
  };
}

/** Returns a reader of every warm pool matching a Gitpod filter (100 a page). */
export function readWarmPools(
  filter: GitpodWarmPoolFilter | undefined,
): (ctx: GatewayContext) => Promise<GitpodWarmPool[]> {
  return async (ctx) => {
    const client = new GitpodClient(ctx.sessions.gitpod);
    const pools: GitpodWarmPool[] = [];
    let token: string | undefined;
    do {
      const page = await client.listWarmPools({ token, pageSize: GITPOD_MAX_PAGE_SIZE, filter });
      pools.push(...page.warmPools);
      tooMany(pools.length);
      token = page.nextToken;
    } while (token);
    return pools;
  };
}

function tooMany(count: number): void {
  if (count > MAX_WATCHED_OBJECTS) {
    throw badUserInput(
      `This subscription's filter matches more than ${MAX_WATCHED_OBJECTS} objects, which it would re-read every interval; narrow the filter.`,
      { limit: 'MAX_WATCHED_OBJECTS', maximum: MAX_WATCHED_OBJECTS },
    );
  }
}
