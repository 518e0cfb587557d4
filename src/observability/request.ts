/**
 * The observation of one GraphQL HTTP request: its server span (continuing the client's W3C
 * `traceparent`), what the Apollo plugin learns about its operation, and, once the response is
 * done, its metrics and its log line's fields.
 */
import type { IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { RequestOutcome } from './labels.js';
import type { GatewayMetrics } from './metrics.js';
import { SpanKind, SpanStatusCode, type Context, type Span, type Tracing } from './tracing.js';

// The key under which a request's context holds its observation. A property rather than a WeakMap
// entry, because Apollo hands plugins a shallow copy of the context (Object.assign copies symbols).
const OBSERVATION = Symbol('fleetgraph.observation');

/** Client signals (one per request, handed to its RequestBudget) → their observation. */
const byClientSignal = new WeakMap<AbortSignal, RequestObservation>();

/** Returns the observation of the request whose client signal is `signal`, if observed. */
export function observationOfRequest(signal: AbortSignal | undefined): RequestObservation | undefined {
  return signal && byClientSignal.get(signal);
}

/** Returns the observation of the request whose Apollo context is `contextValue`, if observed. */
export function observationOf(contextValue: object): RequestObservation | undefined {
  return (contextValue as { [OBSERVATION]?: RequestObservation })[OBSERVATION];
}

/** The longest operation name written to a log line or a span. */
const MAX_LOGGED_NAME = 128;

/** One GraphQL HTTP request being observed (see the file comment). */
export class RequestObservation {
  operationName: string | undefined;
  operationType = 'unknown';
  outcome: RequestOutcome | undefined;
  /** `extensions.code` of every error in the response, in order, without repeats. */
  readonly errorCodes: string[] = [];
  refusedBy: string | undefined;
  cost: { estimated: number; actual: number } | undefined;
  /** The server span, when tracing. */
  readonly span: Span | undefined;
  readonly traceId: string | undefined;
  /** The context whose active span is the server span (the parent of every span of the request). */
  readonly context: Context | undefined;
  private readonly started = performance.now();

  constructor(
    req: IncomingMessage,
    private readonly metrics: GatewayMetrics | undefined,
    readonly tracing: Tracing | undefined,
  ) {
    if (tracing) {
      const parent = tracing.extract(req.headers);
      this.span = tracing.tracer.startSpan(
        `${req.method ?? 'GET'} /graphql`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': req.method ?? 'GET',
            'http.route': '/graphql',
            // The path only: a GET's query string holds the operation and its variables.
            'url.path': (req.url ?? '/').split('?')[0] as string,
            'url.scheme': 'http',
            'network.protocol.version': req.httpVersion,
          },
        },
        parent,
      );
      this.context = trace.setSpan(parent, this.span);
      const spanContext = this.span.spanContext();
      this.traceId = spanContext.traceId;
    } else {
      this.traceId = traceIdOf(req.headers.traceparent);
    }
  }

  /** Ties the request's Apollo context to this observation (the plugin finds it there). */
  attach(contextValue: object): void {
    (contextValue as { [OBSERVATION]?: RequestObservation })[OBSERVATION] = this;
  }

  /** Ties the request's client signal (its RequestBudget's) to this observation: upstream spans find their parent by it. */
  bind(clientSignal: AbortSignal): void {
    byClientSignal.set(clientSignal, this);
  }

  /** Records an error code of the response. */
  addErrorCode(code: string): void {
    if (!this.errorCodes.includes(code)) this.errorCodes.push(code);
  }

  /** Marks the request refused before execution, with the code of its error. */
  refuse(code: string, limit?: string): void {
    this.outcome = 'refused';
    this.addErrorCode(code);
    if (limit) this.refusedBy = limit;
  }

  /**
   * Settles a request Apollo answered without running the plugin (its context could not be made,
   * or CSRF prevention refused it): refused when the status says so, with the codes of its errors.
   */
  settle(status: number, body: string): void {
    if (status < 400) return;
    this.outcome = 'refused';
    try {
      const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
      for (const error of parsed.errors ?? []) {
        if (typeof error.extensions?.code === 'string') this.addErrorCode(error.extensions.code);
      }
    } catch {
      // Not a GraphQL error body: the status alone tells the outcome.
    }
  }

  /** The fields the request's log line adds: operation, outcome, error codes, trace id. */
  logFields(): Record<string, unknown> {
    return {
      operationName: this.loggedOperationName(),
      operationType: this.operationType,
      outcome: this.outcome ?? 'ok',
      errorCodes: this.errorCodes,
      traceId: this.traceId,
    };
  }

  /** The operation name as logs and spans carry it: the client's own, cut to a sane length. */
  loggedOperationName(): string | undefined {
    return this.operationName?.slice(0, MAX_LOGGED_NAME);
  }

  /** Ends the observation with the HTTP status; records the metrics and ends the span. */
  finish(status: number): void {
    const outcome = this.outcome ?? (status >= 400 ? 'refused' : 'ok');
    const seconds = (performance.now() - this.started) / 1000;
    this.metrics?.request({
      operationName: this.operationName,
      operationType: this.operationType,
      outcome,
      durationSeconds: seconds,
      errorCodes: this.errorCodes,
      refusedBy: this.refusedBy,
      cost: this.cost,
    });
    const span = this.span;
    if (!span) return;
    span.setAttribute('http.response.status_code', status);
    span.setAttribute('graphql.operation.type', this.operationType);
    const name = this.loggedOperationName();
    if (name) span.setAttribute('graphql.operation.name', name);
    span.setAttribute('fleetgraph.outcome', outcome);
    if (this.errorCodes.length) span.setAttribute('fleetgraph.error_codes', this.errorCodes);
    if (status >= 500 || outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

/** Given a `traceparent` header, returns its trace id when it is well-formed (tracing off: logs only). */
export function traceIdOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(value.trim()) : null;
  return match && !/^0+$/.test(match[1] as string) ? match[1] : undefined;
}
