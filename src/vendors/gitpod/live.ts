/**
 * Gitpod change detection for subscriptions: ListWarmPools filters only by project and class, so
 * each poll reads the filtered list whole (100 a page) and diffs it with the last.
 */
import { checkWatchedCount, SnapshotDetector } from '../../subscriptions/detectors.js';
import type { LiveSource } from '../contract.js';
import { compileWarmPoolFilter, type GitpodApi } from './api.js';

/** The Gitpod subscription fields. */
export const gitpodLiveSources: readonly LiveSource<GitpodApi>[] = [
  {
    field: 'warmPoolEvents',
    detector: (filter) => {
      const compiled = compileWarmPoolFilter(filter as never);
      return new SnapshotDetector(
        (api: GitpodApi) => api.allWarmPools(compiled, checkWatchedCount),
        (pool) => pool.warmPoolId,
        new Set(['spec', 'status']),
      );
    },
  },
];
