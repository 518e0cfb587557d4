/**
 * Optional client authentication of the gateway itself: static API keys (`GATEWAY_API_KEYS`),
 * presented as `Authorization: Bearer <key>` or `x-api-key: <key>`. Off when no key is
 * configured (demo mode). A rejected caller gets 401 before any GraphQL work or upstream call.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Given the configured keys and a request's headers, returns whether the caller may proceed. */
export function isAuthorized(keys: readonly string[], headers: IncomingHttpHeaders): boolean {
  if (keys.length === 0) return true;
  const presented = presentedKey(headers);
  if (!presented) return false;
  const given = Buffer.from(presented);
  // Compare against every key in constant time per key, so timing does not reveal which matched.
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(key);
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** Given a request's headers, returns the API key it presents (bearer token or x-api-key), if any. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const header = headers['x-api-key'];
  return bearer ?? (Array.isArray(header) ? header[0] : header) ?? undefined;
}
