/**
 * Gitpod change detection for subscriptions: ListWarmPools filters only by project and class, so
 * each poll reads the filtered list whole (100 a page) and diffs it with the last.
 */
import { checkWatchedCount, maxWatchedPages, SnapshotDetector } from '../../subscriptions/detectors.js';
import type { LiveSource } from '../contract.js';
import { compileWarmPoolFilter, type GitpodApi } from './api.js';
import { GITPOD_MAX_PAGE_SIZE } from './client.js';

/** The Gitpod subscription fields. */
export const gitpodLiveSources: readonly LiveSource<GitpodApi>[] = [
  {
    field: 'warmPoolEvents',
    detector: (filter) => {
      const compiled = compileWarmPoolFilter(filter as never);
      return new SnapshotDetector(
        (api: GitpodApi) =>
          api.allWarmPools(compiled, checkWatchedCount, maxWatchedPages(GITPOD_MAX_PAGE_SIZE)),
        (pool) => pool.warmPoolId,
        new Set(['spec', 'status']),
      );
    },
  },
];
