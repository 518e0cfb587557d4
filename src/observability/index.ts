/**
 * Observability of the gateway, made once at start from the configuration: Prometheus metrics
 * (`/metrics`), OpenTelemetry tracing, the telemetry of upstream calls, the per-request
 * observation, and the log line of a rejected gateway API key.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { presentedKey } from '../auth.js';
import type { ObservabilityConfig } from '../config.js';
import { GatewayMetrics } from './metrics.js';
import { RequestObservation } from './request.js';
import { Tracing } from './tracing.js';
import { createUpstreamTelemetry, type UpstreamTelemetry } from './upstream.js';

export { createObservabilityPlugin } from './plugin.js';
export { apolloLogger } from './apollo-logger.js';
export type { RequestObservation } from './request.js';

/** Everything the wiring and the HTTP handler use. */
export class Observability {
  /** Undefined when `METRICS_ENABLED=false`. */
  readonly metrics: GatewayMetrics | undefined;
  /** Undefined unless an OTLP endpoint is configured. */
  readonly tracing: Tracing | undefined;
  /** Handed to every UpstreamPool; undefined when metrics and tracing are both off. */
  readonly upstream: UpstreamTelemetry | undefined;

  constructor(readonly config: ObservabilityConfig) {
    this.metrics = config.metrics.enabled ? new GatewayMetrics(config.metrics.maxOperationNames) : undefined;
    this.tracing = config.tracing ? new Tracing(config.tracing) : undefined;
    this.upstream = createUpstreamTelemetry(this.metrics, this.tracing);
  }

  /** Whether the gateway's own port serves `/metrics` (metrics on, no METRICS_PORT). */
  get metricsOnGatewayPort(): boolean {
    return this.metrics !== undefined && this.config.metrics.port === undefined;
  }

  /** Begins observing one GraphQL request. */
  startRequest(req: IncomingMessage): RequestObservation {
    return new RequestObservation(req, this.metrics, this.tracing);
  }

  /**
   * Logs and counts a request refused for its gateway API key: the key's fingerprint (the first 8
   * hex digits of its SHA-256, so repeated attempts with one key can be told apart) or
   * `"missing"`, never the key; the client's address; the request id.
   */
  keyRejected(logger: Logger, req: IncomingMessage, reqId: string, traceId: string | undefined): void {
    const key = presentedKey(req.headers);
    this.metrics?.keyRejected(key ? 'invalid' : 'missing');
    logger.warn(
      {
        reqId,
        keyFingerprint: key ? createHash('sha256').update(key).digest('hex').slice(0, 8) : 'missing',
        clientAddress: req.socket.remoteAddress,
        ...(traceId ? { traceId } : {}),
      },
      'gateway API key rejected',
    );
  }

  /** Exports the spans still buffered. */
  async shutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}
