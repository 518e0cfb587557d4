/**
 * The gateway's Prometheus metrics (prom-client), in a registry of their own so that several
 * gateways in one process (the tests) never share series. Names and labels are the contract of
 * docs/observability/ and the README; every label value is bounded (see labels.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState } from '../upstream/resilience.js';
import { OperationNameFolder, errorCodeLabel, type RequestOutcome } from './labels.js';

/** What the gauges read from each vendor's guard when scraped. */
export interface GuardGauges {
  breakerState(): BreakerState;
  /** Calls on the wire and calls waiting for a slot. */
  bulkheadUsage(): { inFlight: number; queued: number };
}

/** One finished GraphQL request, as the metrics record it. */
export interface RequestRecord {
  operationName: string | null | undefined;
  operationType: string;
  outcome: RequestOutcome;
  durationSeconds: number;
  errorCodes: readonly string[];
  /** The query limit that refused it (`MAX_QUERY_DEPTH`, …), if one did. */
  refusedBy: string | undefined;
  /** `extensions.cost`: estimated and actual upstream calls, when the operation was costed. */
  cost: { estimated: number; actual: number } | undefined;
}

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
const UPSTREAM_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CALLS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

/** The gateway's metrics; `registry.metrics()` is the `/metrics` body. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly names: OperationNameFolder;
  private readonly requests: Counter<'operation_name' | 'operation_type' | 'outcome'>;
  private readonly requestSeconds: Histogram<'operation_name' | 'operation_type'>;
  private readonly errors: Counter<'code'>;
  private readonly limitRefusals: Counter<'limit'>;
  private readonly keyRejections: Counter<'reason'>;
  private readonly estimatedCalls: Histogram;
  private readonly actualCalls: Histogram;
  private readonly upstreamRequests: Counter<'vendor' | 'operation' | 'outcome'>;
  private readonly upstreamSeconds: Histogram<'vendor' | 'operation'>;
  private readonly upstreamRetries: Counter<'vendor' | 'operation'>;
  private readonly rateLimited: Counter<'vendor' | 'operation'>;
  private readonly upstreamRefused: Counter<'vendor' | 'reason'>;
  private readonly breakerOpenings: Counter<'vendor'>;

  private readonly guards = new Map<string, GuardGauges>();

  constructor(maxOperationNames: number) {
    const registers = [this.registry];
    this.names = new OperationNameFolder(maxOperationNames);
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'fleetgraph_graphql_requests_total',
      help: 'GraphQL requests by operation name (bounded), type and outcome (ok, partial, error, refused).',
      labelNames: ['operation_name', 'operation_type', 'outcome'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'fleetgraph_graphql_request_duration_seconds',
      help: 'Time from the request to the end of its response, by operation name (bounded) and type.',
      labelNames: ['operation_name', 'operation_type'],
      buckets: REQUEST_SECONDS,
      registers,
    });
    this.errors = new Counter({
      name: 'fleetgraph_graphql_errors_total',
      help: 'Errors in GraphQL responses by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.limitRefusals = new Counter({
      name: 'fleetgraph_limit_refusals_total',
      help: 'Requests refused by a query limit, by the variable that sets it.',
      labelNames: ['limit'],
      registers,
    });
    this.keyRejections = new Counter({
      name: 'fleetgraph_gateway_key_rejections_total',
      help: 'Requests refused for a missing or unknown gateway API key.',
      labelNames: ['reason'],
      registers,
    });
    this.estimatedCalls = new Histogram({
      name: 'fleetgraph_graphql_estimated_upstream_calls',
      help: 'Upstream calls an operation was estimated to need (extensions.cost).',
      buckets: CALLS,
      registers,
    });
    this.actualCalls = new Histogram({
      name: 'fleetgraph_graphql_actual_upstream_calls',
      help: 'Distinct upstream requests an operation made (extensions.cost, retries not counted).',
      buckets: CALLS,
      registers,
    });
    this.upstreamRequests = new Counter({
      name: 'fleetgraph_upstream_requests_total',
      help: 'HTTP requests sent to a vendor (retries included), by vendor operation and outcome (status class or failure kind).',
      labelNames: ['vendor', 'operation', 'outcome'],
      registers,
    });
    this.upstreamSeconds = new Histogram({
      name: 'fleetgraph_upstream_request_duration_seconds',
      help: 'Duration of one HTTP request to a vendor, body included.',
      labelNames: ['vendor', 'operation'],
      buckets: UPSTREAM_SECONDS,
      registers,
    });
    this.upstreamRetries = new Counter({
      name: 'fleetgraph_upstream_retries_total',
      help: 'Upstream requests that were retries of a failed attempt.',
      labelNames: ['vendor', 'operation'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'fleetgraph_upstream_rate_limited_total',
      help: 'Upstream answers 429 (rate limited).',
      labelNames: ['vendor', 'operation'],
      registers,
    });
    this.upstreamRefused = new Counter({
      name: 'fleetgraph_upstream_refused_total',
      help: 'Upstream calls refused without a request: circuit_open or bulkhead_full.',
      labelNames: ['vendor', 'reason'],
      registers,
    });
    this.breakerOpenings = new Counter({
      name: 'fleetgraph_upstream_breaker_opened_total',
      help: 'Times a vendor circuit breaker opened.',
      labelNames: ['vendor'],
      registers,
    });
    const entries = this.guards;
    new Gauge({
      name: 'fleetgraph_upstream_breaker_state',
      help: 'Circuit breaker state per vendor: 1 for the current state, 0 for the others.',
      labelNames: ['vendor', 'state'],
      registers,
      collect() {
        for (const [vendor, guard] of entries) {
          const current = guard.breakerState();
          for (const state of BREAKER_STATES) this.set({ vendor, state }, state === current ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'fleetgraph_upstream_in_flight',
      help: 'Upstream calls on the wire per vendor (bulkhead slots in use).',
      labelNames: ['vendor'],
      registers,
      collect() {
        for (const [vendor, guard] of entries) this.set({ vendor }, guard.bulkheadUsage().inFlight);
      },
    });
    new Gauge({
      name: 'fleetgraph_upstream_queued',
      help: 'Upstream calls waiting for a bulkhead slot per vendor.',
      labelNames: ['vendor'],
      registers,
      collect() {
        for (const [vendor, guard] of entries) this.set({ vendor }, guard.bulkheadUsage().queued);
      },
    });
  }

  /**
   * Reports whether the shared Redis answers (`REDIS_URL`): `fleetgraph_redis_up` is 1 while it
   * does, 0 while the gateway serves without it.
   */
  watchRedis(state: () => 'ok' | 'unavailable'): void {
    new Gauge({
      name: 'fleetgraph_redis_up',
      help: 'Whether the shared Redis (REDIS_URL) answers: 1, or 0 while the gateway serves without it.',
      registers: [this.registry],
      collect() {
        this.set(state() === 'ok' ? 1 : 0);
      },
    });
  }

  /** Reports `guard`'s breaker state and bulkhead usage as the gauges of `vendor`. */
  watch(vendor: string, guard: GuardGauges): void {
    this.guards.set(vendor, guard);
  }

  /** Records one finished GraphQL request. */
  request(record: RequestRecord): void {
    const operation_name = this.names.fold(record.operationName);
    const operation_type = record.operationType;
    this.requests.inc({ operation_name, operation_type, outcome: record.outcome });
    this.requestSeconds.observe({ operation_name, operation_type }, record.durationSeconds);
    for (const code of record.errorCodes) this.errors.inc({ code: errorCodeLabel(code) });
    if (record.refusedBy) this.limitRefusals.inc({ limit: record.refusedBy });
    if (record.cost) {
      this.estimatedCalls.observe(record.cost.estimated);
      this.actualCalls.observe(record.cost.actual);
    }
  }

  /** Records a request refused for its gateway API key. */
  keyRejected(reason: 'missing' | 'invalid'): void {
    this.keyRejections.inc({ reason });
  }

  /** Records one HTTP request sent to a vendor. */
  upstream(vendor: string, operation: string, outcome: string, seconds: number, retry: number): void {
    this.upstreamRequests.inc({ vendor, operation, outcome });
    this.upstreamSeconds.observe({ vendor, operation }, seconds);
    if (retry > 0) this.upstreamRetries.inc({ vendor, operation });
    if (outcome === '429') this.rateLimited.inc({ vendor, operation });
  }

  /** Records a call refused by a vendor's guard before any request. */
  upstreamRefusal(vendor: string, reason: 'circuit_open' | 'bulkhead_full'): void {
    this.upstreamRefused.inc({ vendor, reason });
  }

  /** Records a circuit breaker opening. */
  breakerOpened(vendor: string): void {
    this.breakerOpenings.inc({ vendor });
  }
}
