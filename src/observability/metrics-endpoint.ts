/**
 * `/metrics` in the Prometheus text format, on the gateway's port or on its own (`METRICS_PORT`).
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { GatewayMetrics } from './metrics.js';

/** Answers the Prometheus text exposition of `metrics`. */
export async function serveMetrics(res: ServerResponse, metrics: GatewayMetrics): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, {
    'content-type': metrics.registry.contentType,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Starts the `METRICS_PORT` server: `/metrics` only, 404 for anything else. */
export async function startMetricsServer(
  metrics: GatewayMetrics,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Not found: metrics are at /metrics.\n');
      return;
    }
    serveMetrics(res, metrics).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
