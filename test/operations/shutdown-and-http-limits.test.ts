/**
 * Findings 8 and 9 of issue 9 from outside: slow clients (a body at 1 byte/s, answers nobody
 * reads, too many connections) are bounded by the HTTP limits, and a shutdown is orderly: /readyz
 * turns 503 first while requests are still served, then in-flight requests finish, and one still
 * running at the end of the grace answers what it has with a coded error instead of a reset.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server.js';
import { startQuietGateway } from '../helpers/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

async function start(env: Record<string, string>): Promise<Gateway> {
  gateway = await startQuietGateway(env);
  return gateway;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(gw: Gateway, query: string) {
  return fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
}

/** Opens a raw socket to the gateway; resolves once connected. */
function socketTo(gw: Gateway): Promise<Socket> {
  const { port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the milliseconds until `socket` is closed by the other side (or `limitMs`). */
function closedWithin(socket: Socket, limitMs: number): Promise<number | 'still open'> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still open'), limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => undefined);
  });
}

describe('HTTP limits', () => {
  it('a body sent at one byte every 200 ms is cut at HTTP_REQUEST_TIMEOUT_MS with 408', async () => {
    const gw = await start({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000' });
    const socket = await socketTo(gw);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.write(
      'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    const closed = await closedWithin(socket, 5_000);
    clearInterval(drip);
    expect(closed).not.toBe('still open');
    expect(closed as number).toBeLessThan(3_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an answer nobody reads is dropped after HTTP_WRITE_TIMEOUT_MS', async () => {
    const gw = await start({
      HTTP_WRITE_TIMEOUT_MS: '500',
      MAX_QUERY_NODES: '10000000',
      MAX_RESPONSE_BYTES: '67108864',
    });
    const socket = await socketTo(gw);
    // About 20 MB: more than the loopback socket buffers of both ends hold, so the write cannot complete.
    const types = [
      'GPU_UTILIZATION',
      'GPU_UTILIZATION_PER_GPU',
      'GPU_MEMORY_USAGE_BYTES',
      'CPU_USAGE_CORES',
      'CPU_MEMORY_USAGE_BYTES',
      'GPU_SM_ACTIVITY_PER_GPU',
      'GPU_TENSOR_ACTIVITY_PER_GPU',
      'GPU_SWAP_MEMORY_BYTES_PER_GPU',
    ];
    const query =
      `{ pods(first: 40) { nodes { metrics(types: [${types.join(', ')}], start: "2026-01-01T00:00:00Z", ` +
      'end: "2026-01-02T00:00:00Z", samples: 1000) { type samples { timestamp value } } } } }';
    const body = JSON.stringify({ query });
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.pause();
    // The client reads nothing, so it cannot see the close: count the gateway's connections.
    const open = () =>
      new Promise<number>((resolve, reject) =>
        gw.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    let count = await open();
    for (let waited = 0; count > 0 && waited < 8_000; waited += 100) {
      await sleep(100);
      count = await open();
    }
    expect(count).toBe(0);
    socket.destroy();
  });

  it('connections over HTTP_MAX_CONNECTIONS are closed at once; the others stay', async () => {
    const gw = await start({ HTTP_MAX_CONNECTIONS: '2' });
    const first = await socketTo(gw);
    const second = await socketTo(gw);
    await sleep(50);
    const third = await socketTo(gw);
    expect(await closedWithin(third, 2_000)).not.toBe('still open');
    expect(first.destroyed || second.destroyed).toBe(false);
    first.destroy();
    second.destroy();
  });
});

describe('orderly shutdown', () => {
  const QUERY = '{ clusters(first: 1) { nodes { name } } pods(first: 1) { nodes { podId } } }';

  it('turns /readyz 503 first and keeps serving for SHUTDOWN_NOTICE_MS, then refuses', async () => {
    const gw = await start({ SHUTDOWN_NOTICE_MS: '600' });
    const stopped = gw.stop();
    await sleep(50);
    const ready = await fetch(new URL('/readyz', gw.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'draining',
      upstreams: { fireworks: 'closed', runai: 'closed', gitpod: 'closed' },
    });
    const during = await post(gw, QUERY);
    expect(during.status).toBe(200);
    expect(during.body.errors).toBeUndefined();
    await sleep(700);
    const after = await post(gw, QUERY).then(
      (r) => r.status,
      () => 'connection refused',
    );
    expect(['connection refused', 503]).toContain(after);
    await stopped;
    gateway = undefined;
  });

  it('a request still waiting on a hung vendor when the grace ends answers what it has, with a coded error', async () => {
    const gw = await start({ SHUTDOWN_GRACE_MS: '300', REQUEST_DEADLINE_MS: '10000' });
    gw.simulators!.servers.runai.addFaults({ list_pods: { hang: true } });
    const inFlight = post(gw, QUERY);
    await sleep(150);
    const stopped = gw.stop();
    const res = await inFlight;
    await stopped;
    gateway = undefined;
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      clusters: { nodes: [{ name: expect.stringMatching(/^accounts\/fleetgraph-demo\/clusters\//) }] },
      pods: null,
    });
    expect(res.body.errors).toEqual([
      {
        message:
          'Run:ai call was cut: the gateway is shutting down and its grace period ended. Retry on another replica.',
        locations: [{ line: 1, column: 41 }],
        path: ['pods'],
        extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'runai' },
      },
    ]);
  });
});
