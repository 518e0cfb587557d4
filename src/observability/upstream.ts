/**
 * What every upstream HTTP attempt reports: a count and a duration per vendor operation and
 * outcome, and a client span (vendor, operation, method, URL template, status, retry number) whose
 * W3C `traceparent` is sent to the vendor. Spans carry the URL template, never the URL: paths hold
 * identifiers and queries hold filter values, and neither belongs in a trace backend.
 */
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RequestBudget } from '../upstream/budget.js';
import { UpstreamAttemptError } from '../upstream/resilience.js';
import type { GatewayMetrics, GuardGauges } from './metrics.js';
import { observationOfRequest } from './request.js';
import { SpanKind, SpanStatusCode, type Tracing } from './tracing.js';

/** The URL template of each vendor operation (below the vendor's base path), for client spans. */
export const URL_TEMPLATES: Record<string, string> = {
  GetCluster: '/v1/accounts/{account_id}/clusters/{cluster_id}',
  ListClusters: '/v1/accounts/{account_id}/clusters',
  ListNodePools: '/v1/accounts/{account_id}/nodePools',
  ListBatchJobs: '/v1/accounts/{account_id}/batchJobs',
  list_pods: '/api/v1/workloads/pods',
  count_pods: '/api/v1/workloads/pods/count',
  get_workload_pods: '/api/v1/workloads/{workload_id}/pods',
  get_revision_pods: '/api/v1/workloads/inferences/revisions/{revision_id}/pods',
  get_workload_pod_metrics: '/api/v1/workloads/{workload_id}/pods/{pod_id}/metrics',
  ListWarmPools: '/gitpod.v1.PrebuildService/ListWarmPools',
};

/** One upstream attempt being observed. */
export interface AttemptProbe {
  /** Headers to send with the attempt (`traceparent`), when tracing. */
  readonly headers: Record<string, string> | undefined;
  /** The vendor answered with this status (before the body was read). */
  responded(status: number): void;
  /** The attempt is over: resolved (no error) or failed with `error`. */
  end(error?: unknown): void;
}

/** Where the upstream layer reports (UpstreamPool and UpstreamGuard hold one, or none). */
export interface UpstreamTelemetry {
  /** Starts observing one HTTP attempt; `retry` is 0 for the first attempt of a call. */
  attempt(
    vendor: string,
    request: { method: string; operation: string },
    retry: number,
    target: { origin: URL; basePath: string },
    budget: RequestBudget,
  ): AttemptProbe;
  /** The trace id of the request `budget` belongs to, for its log lines. */
  logFields(budget: RequestBudget): { traceId?: string };
  /** A call refused by the guard without any request. */
  refused(vendor: string, reason: 'circuit_open' | 'bulkhead_full'): void;
  breakerOpened(vendor: string): void;
  /** Reports a guard's breaker state and bulkhead usage on each scrape. */
  watch(vendor: string, guard: GuardGauges): void;
}

/** Returns the telemetry over the metrics and the tracing that are on (undefined when both are off). */
export function createUpstreamTelemetry(
  metrics: GatewayMetrics | undefined,
  tracing: Tracing | undefined,
): UpstreamTelemetry | undefined {
  if (!metrics && !tracing) return undefined;
  return {
    attempt(vendor, request, retry, target, budget) {
      const started = performance.now();
      let status: number | undefined;
      const template = `${target.basePath}${URL_TEMPLATES[request.operation] ?? '/'}`;
      // The request's server span is found through its budget: no async context is needed, which on
      // Node 20 (AsyncLocalStorage over async hooks) would slow every promise of the process.
      const parent = (tracing && observationOfRequest(budget.requestSignal)?.context) || ROOT_CONTEXT;
      const span = tracing?.tracer.startSpan(
        `${request.method} ${template}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': request.method,
            'url.template': template,
            'server.address': target.origin.hostname,
            'server.port': Number(target.origin.port || (target.origin.protocol === 'https:' ? 443 : 80)),
            'fleetgraph.vendor': vendor,
            'fleetgraph.upstream.operation': request.operation,
            ...(retry > 0 ? { 'http.request.resend_count': retry } : {}),
          },
        },
        parent,
      );
      let headers: Record<string, string> | undefined;
      if (span && tracing) tracing.inject(trace.setSpan(parent, span), (headers = {}));
      return {
        headers,
        responded(code) {
          status = code;
        },
        end(error) {
          const outcome = outcomeOf(status, error);
          metrics?.upstream(vendor, request.operation, outcome, (performance.now() - started) / 1000, retry);
          if (!span) return;
          if (status !== undefined) span.setAttribute('http.response.status_code', status);
          if (error !== undefined) {
            span.setAttribute('error.type', status !== undefined && status >= 400 ? String(status) : outcome);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },
    logFields(budget) {
      const traceId = observationOfRequest(budget.requestSignal)?.traceId;
      return traceId ? { traceId } : {};
    },
    refused: (vendor, reason) => metrics?.upstreamRefusal(vendor, reason),
    breakerOpened: (vendor) => metrics?.breakerOpened(vendor),
    watch: (vendor, guard) => metrics?.watch(vendor, guard),
  };
}

/**
 * Given the status of an attempt (if it got one) and its error (if it failed), returns its outcome
 * label: the status class (`2xx`, `4xx`, `5xx`; `429` apart, it is the vendor's rate limit), or
 * the failure kind (`malformed`, `timeout`, `connect_timeout`, `connection`, `deadline`, `cancelled`).
 */
export function outcomeOf(status: number | undefined, error: unknown): string {
  if (error instanceof UpstreamAttemptError && error.failure !== 'status') {
    return error.failure.replace('-', '_');
  }
  if (status === undefined) return error === undefined ? '2xx' : 'error';
  return status === 429 ? '429' : `${Math.floor(status / 100)}xx`;
}
