/**
 * A process of idle subscribers for `bench/live.ts`: BENCH_CLIENTS WebSocket connections to
 * BENCH_URL, one subscription each, held until the process is stopped.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const url = process.env.BENCH_URL ?? '';
const count = Number(process.env.BENCH_CLIENTS ?? 0);
const query = process.env.BENCH_QUERY ?? '';
for (let i = 0; i < count; i++) {
  createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 }).subscribe(
    { query },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
}
setInterval(() => undefined, 60_000);
