/**
 * Fireworks change detection for subscriptions: an AIP-160 `update_time` watermark. Each poll
 * asks for what changed since the watermark (`update_time >= W`, the newest update time seen,
 * across the account); when nothing did, that one call is the whole poll. When something did and
 * the subscription has a filter, one more call (`(<filter>) AND update_time >= W`) says which of
 * those changes match it: a known object that changed and no longer matches is REMOVED. `>=`
 * rather than `>` because update times have one-second precision; objects already seen in that
 * second are recognised by content and not reported twice.
 *
 * The first poll reads the baseline and reports nothing: subscribers see changes from then on.
 */
import { changedFields, stableJson, type Change, type ChangeDetector } from '../../subscriptions/changes.js';
import type { LiveSource } from '../contract.js';
import type { FireworksApi } from './api.js';
import { FIREWORKS_MAX_PAGE_SIZE } from './client.js';
import { and, compileBatchJobFilter, compileNodePoolFilter } from './filter.js';
import type { FireworksKind } from './model.js';

type Item = { name: string; updatedAt?: string | null };

/** Fireworks: AIP-160 `update_time` watermark (see the file comment). */
class UpdateTimeDetector implements ChangeDetector<FireworksApi> {
  private readonly known = new Map<string, Item>();
  /** Objects seen at or after the watermark, by name, as JSON: their repeats are not changes. */
  private readonly seen = new Map<string, { json: string; updateTime: number }>();
  private watermark: string | undefined;

  constructor(
    private readonly kind: FireworksKind,
    private readonly filter: string | undefined,
    /** Fields compared one level down in `changedFields`. */
    private readonly nested: ReadonlySet<string>,
  ) {}

  async poll(api: FireworksApi): Promise<Change[]> {
    if (this.watermark === undefined) {
      const latest = await api.list(this.kind, { pageSize: 1, orderBy: 'update_time desc' });
      for (const item of await this.walk(api, this.filter)) this.known.set(item.name, item);
      const newest = latest.items[0];
      if (newest) this.remember(newest);
      this.watermark = newest?.updatedAt ?? '1970-01-01T00:00:00Z';
      return [];
    }
    const since = `update_time >= "${this.watermark}"`;
    const updated = await this.walk(api, since);
    const fresh = new Map<string, Item>();
    for (const item of updated) {
      if (this.seen.get(item.name)?.json !== stableJson(item)) fresh.set(item.name, item);
    }
    if (fresh.size === 0) return [];
    // Without a filter every changed object matches; with one, a second call says which do.
    const matching = new Map<string, Item>();
    if (this.filter === undefined) {
      for (const [name, item] of fresh) matching.set(name, item);
    } else {
      for (const item of await this.walk(api, and([this.filter, since]))) {
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
        const fields = changedFields(before, now, this.nested);
        if (fields.length > 0) changes.push({ kind: 'CHANGED', node: now, changedFields: fields });
        this.known.set(name, now);
      } else if (before) {
        changes.push({
          kind: 'REMOVED',
          node: item,
          changedFields: changedFields(before, item, this.nested),
        });
        this.known.delete(name);
      }
    }
    // Only now, so a poll that fails half-way reports these changes on the next one.
    for (const item of [...updated, ...fresh.values()]) this.remember(item);
    this.advance();
    return changes;
  }

  private remember(item: Item): void {
    this.seen.set(item.name, { json: stableJson(item), updateTime: Date.parse(item.updatedAt ?? '') || 0 });
  }

  /** Moves the watermark to the newest update time seen and forgets what is older. */
  private advance(): void {
    let newest = Date.parse(this.watermark ?? '') || 0;
    for (const { updateTime } of this.seen.values()) newest = Math.max(newest, updateTime);
    for (const [name, { updateTime }] of this.seen) if (updateTime < newest) this.seen.delete(name);
    this.watermark = new Date(newest).toISOString().replace('.000Z', 'Z');
  }

  private async walk(api: FireworksApi, filter: string | undefined): Promise<Item[]> {
    const items: Item[] = [];
    let pageToken: string | undefined;
    do {
      const page = await api.list(this.kind, { pageSize: FIREWORKS_MAX_PAGE_SIZE, pageToken, filter });
      items.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return items;
  }
}

/** The Fireworks subscription fields. */
export const fireworksLiveSources: readonly LiveSource<FireworksApi>[] = [
  {
    field: 'batchJobEvents',
    detector: (filter) =>
      new UpdateTimeDetector('BatchJob', compileBatchJobFilter(filter as never), new Set()),
  },
  {
    field: 'nodePoolEvents',
    detector: (filter) =>
      new UpdateTimeDetector(
        'NodePool',
        compileNodePoolFilter(filter as never),
        new Set(['stats', 'status', 'backend']),
      ),
  },
];
