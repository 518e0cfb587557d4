/**
 * Subscription helpers: a graphql-ws client over `ws`, an SSE reader, event collection, waiting
 * on the gateway's poller registry, and the simulators' `/_sim/mutate` control.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestGateway } from './gateway.js';

/** One message a subscription received. */
export interface LiveResult {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
}

/** A subscription being collected. */
export interface Collected {
  results: LiveResult[];
  /** Set when the server ended it: `complete`, or the error it failed with. */
  ended?: 'complete' | unknown;
  stop(): void;
}

/** Opens a graphql-ws client to the gateway (lazy: it connects on its first subscription). */
export function wsClient(t: TestGateway, connectionParams?: Record<string, string>): Client {
  return createClient({
    url: t.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** Subscribes and collects every result. */
export function collect(client: Client, query: string, variables?: Record<string, unknown>): Collected {
  const collected: Collected = { results: [], stop: () => undefined };
  collected.stop = client.subscribe(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (value) => void collected.results.push(value as LiveResult),
      error: (error) => (collected.ended = error),
      complete: () => (collected.ended ??= 'complete'),
    },
  );
  return collected;
}

/** Waits until `condition` holds (checked every 5 ms), failing after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until `n` subscribers have joined pollers (each past its poller's baseline). */
export function subscribed(t: TestGateway, n: number): Promise<void> {
  return waitFor(() => t.gateway.live.registry.subscribers === n, 20_000, `${n} subscribers`);
}

/** Applies one change through `/_sim/mutate` of a simulator; returns its answer. */
export async function mutate(
  t: TestGateway,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.sims.fireworks.url}/_sim/mutate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Reads an SSE response's `next` events until `count` arrived or the stream ended. */
export async function readSse(res: Response, count: number): Promise<LiveResult[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const results: LiveResult[] = [];
  let buffer = '';
  while (results.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(message)?.[1];
      const data = /^data: (.*)$/m.exec(message)?.[1];
      if (event === 'next' && data) results.push(JSON.parse(data) as LiveResult);
      if (event === 'complete') return results;
    }
  }
  await reader.cancel();
  return results;
}
