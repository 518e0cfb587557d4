/**
 * The two floors Fleetgraph is compared with, both measured in the bench's own run:
 * - the CPU floor of a query: the CPU time to `JSON.parse` the upstream bodies it needs and to
 *   `JSON.stringify` its answer, which any gateway must spend at least;
 * - the I/O chain of a query: the upstream calls it makes, sent directly by the bench level by
 *   level (each level's calls in parallel, the next level after the slowest), which is the wall
 *   time of the dependent round trips without any gateway in between.
 */
import { Agent, request } from 'undici';
import type { Vendor } from './queries.js';

/** One upstream call as the simulators recorded it (`/_sim/stats` `requests`). */
export interface RecordedCall {
  vendor: Vendor;
  operation: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
}

/** Where to send replayed calls. */
export interface Upstreams {
  urls: Record<Vendor, string>;
  credentials: Record<Vendor, string>;
}

const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });

/** Sends one recorded call; resolves to the raw body text. */
export async function replayCall(call: RecordedCall, upstreams: Upstreams): Promise<string> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(call.query))
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  const qs = search.toString();
  const response = await request(`${upstreams.urls[call.vendor]}${call.path}${qs ? `?${qs}` : ''}`, {
    method: call.method as 'GET' | 'POST',
    dispatcher: agent,
    headers: {
      authorization: `Bearer ${upstreams.credentials[call.vendor]}`,
      accept: 'application/json',
      ...(call.body === null ? {} : { 'content-type': 'application/json', 'connect-protocol-version': '1' }),
    },
    ...(call.body === null ? {} : { body: JSON.stringify(call.body) }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(`replay of ${call.operation} answered ${response.statusCode}: ${text}`);
  return text;
}

/**
 * Sends calls level by level (`levelOf` names each operation's round trip; unknown ones go last)
 * and returns the wall time in milliseconds and every body received.
 */
export async function replayChain(
  calls: readonly RecordedCall[],
  levelOf: Readonly<Record<string, number>>,
  upstreams: Upstreams,
): Promise<{ ms: number; bodies: string[] }> {
  const levels = new Map<number, RecordedCall[]>();
  for (const call of calls) {
    const level = levelOf[call.operation] ?? Number.MAX_SAFE_INTEGER;
    levels.set(level, [...(levels.get(level) ?? []), call]);
  }
  const bodies: string[] = [];
  const start = performance.now();
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    bodies.push(...(await Promise.all((levels.get(level) ?? []).map((c) => replayCall(c, upstreams)))));
  }
  return { ms: performance.now() - start, bodies };
}

/** CPU milliseconds of the floor of one request. */
export interface CpuFloor {
  parseMs: number;
  stringifyMs: number;
  totalMs: number;
  /** Bytes of the upstream bodies and of the answer. */
  upstreamBytes: number;
  responseBytes: number;
}

/**
 * Returns the CPU time to parse `bodies` and stringify `response` (the answer's JSON text, parsed
 * once beforehand), averaged over enough repetitions to last at least `minMs` of CPU each.
 */
export function cpuFloor(bodies: readonly string[], response: string, minMs = 200): CpuFloor {
  const answer: unknown = JSON.parse(response);
  const parseMs = cpuPerRun(() => {
    for (const body of bodies) JSON.parse(body);
  }, minMs);
  const stringifyMs = cpuPerRun(() => JSON.stringify(answer), minMs);
  return {
    parseMs,
    stringifyMs,
    totalMs: parseMs + stringifyMs,
    upstreamBytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
    responseBytes: Buffer.byteLength(response),
  };
}

/** Runs `work` repeatedly (after a warm-up) and returns its CPU milliseconds per run. */
function cpuPerRun(work: () => unknown, minMs: number): number {
  for (let i = 0; i < 20; i++) work();
  let runs = 0;
  const start = process.cpuUsage();
  let spent = 0;
  while (spent < minMs * 1000) {
    for (let i = 0; i < 10; i++) work();
    runs += 10;
    const used = process.cpuUsage(start);
    spent = used.user + used.system;
  }
  return spent / 1000 / runs;
}
