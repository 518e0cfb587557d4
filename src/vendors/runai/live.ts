/**
 * Run:ai change detection for subscriptions: `filterBy` has no update time, so each poll reads the
 * filtered pod list whole (500 a page, full verbosity) and diffs it with the last.
 */
import { checkWatchedCount, maxWatchedPages, SnapshotDetector } from '../../subscriptions/detectors.js';
import type { LiveSource } from '../contract.js';
import type { RunaiApi } from './api.js';
import { RUNAI_MAX_LIMIT } from './client.js';
import { compilePodFilter } from './filter.js';

/** The Run:ai subscription fields. */
export const runaiLiveSources: readonly LiveSource<RunaiApi>[] = [
  {
    field: 'podEvents',
    detector: (filter) => {
      const compiled = compilePodFilter(filter as never);
      return new SnapshotDetector(
        (api: RunaiApi) => api.allPods(compiled, checkWatchedCount, maxWatchedPages(RUNAI_MAX_LIMIT)),
        (pod) => pod.podId,
      );
    },
  },
];
