/**
 * ListWarmPools page tokens. A token is opaque to clients (base64url text) and names the offset
 * of the next page within the filtered, ordered list together with a fingerprint of the filter it
 * was issued for, so that reusing it with another filter is detected instead of silently paging
 * through a different list. The page size is not bound: a client may change it between pages.
 */
import type { WarmPoolFilter } from './list-warm-pools-request.js';

const TOKEN_PATTERN = /^wp1:(\d{1,9}):([0-9a-f]{8})$/;

/** The position a token points at. */
export interface DecodedPageToken {
  offset: number;
  filterFingerprint: string;
}

/** Given the offset of the next page and the filter of the request, returns its opaque token. */
export function encodePageToken(offset: number, filter: WarmPoolFilter): string {
  return Buffer.from(`wp1:${offset}:${fingerprintFilter(filter)}`, 'utf8').toString('base64url');
}

/** Given a token, returns what it points at, or undefined when it is not one `encodePageToken` made. */
export function decodePageToken(token: string): DecodedPageToken | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const match = TOKEN_PATTERN.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) return undefined;
  return { offset: Number(match[1]), filterFingerprint: match[2] as string };
}

/**
 * Returns a fingerprint of a filter that ignores the order and repetition of ids, so that
 * `[a, b]` and `[b, a, a]` are the same filter, and an empty list is the same as no list.
 */
export function fingerprintFilter(filter: WarmPoolFilter): string {
  const canonical = JSON.stringify([
    [...new Set(filter.projectIds)].sort(),
    [...new Set(filter.environmentClassIds)].sort(),
  ]);
  let hash = 2166136261;
  for (let i = 0; i < canonical.length; i++) hash = Math.imul(hash ^ canonical.charCodeAt(i), 16777619);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
