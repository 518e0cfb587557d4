/**
 * The upstream response cache's keys and entries. A key is a hash of everything that makes two
 * upstream requests the same — vendor, method, path, query, body, headers — and of the credential's
 * identity (a hash of the credential, never the credential), so two tenants never share an answer
 * and neither a store nor a log ever holds a credential. Page tokens and offsets are part of the
 * query, so a cached page is always the answer to exactly that page request, and the cursor built
 * from it points at the page the vendor itself would serve next.
 */
import { createHash } from 'node:crypto';
import type { UpstreamRequest } from './http.js';

/** Returns the hash that stands for `credential` in keys (one-way; equal credentials, equal hashes). */
export function credentialIdentity(credential: string): string {
  return createHash('sha256').update(`fleetgraph credential\0${credential}`).digest('base64url');
}

/** Returns the key of `request` to `vendor` made with `credential`: the same across replicas. */
export function upstreamKey(vendor: string, request: UpstreamRequest, credential: string): string {
  const query = Object.entries(request.query ?? {}).filter(([, value]) => value !== undefined);
  const identity = JSON.stringify([
    vendor,
    request.method,
    request.path,
    query,
    request.body ?? null,
    request.headers ?? {},
    credentialIdentity(credential),
  ]);
  return `up:${vendor}:${createHash('sha256').update(identity).digest('base64url')}`;
}

/** A cached answer: when it was received, and its parsed body. */
export interface CacheEntry {
  storedAt: number;
  body: unknown;
}

/** Returns the stored form of an answer received at `storedAt`. */
export function encodeEntry(storedAt: number, body: unknown): string {
  return JSON.stringify({ t: storedAt, b: body });
}

/** Returns the entry a stored string holds, or undefined when there is none or it is not one. */
export function decodeEntry(stored: string | undefined): CacheEntry | undefined {
  if (stored === undefined) return undefined;
  try {
    const parsed = JSON.parse(stored) as { t?: unknown; b?: unknown };
    if (typeof parsed.t !== 'number' || typeof parsed.b !== 'object' || parsed.b === null) return undefined;
    return { storedAt: parsed.t, body: parsed.b };
  } catch {
    return undefined;
  }
}
