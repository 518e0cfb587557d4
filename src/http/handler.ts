/**
 * The gateway's HTTP handler: health and readiness, CORS, client authentication, the body limit,
 * and the hand-off of `/graphql` to Apollo Server with a fresh per-request context; one log line
 * per GraphQL request.
 *
 * Contract: every answer the handler makes itself has the GraphQL response shape with a code from
 * the closed set (`sendError`); it never throws (a bug becomes a masked 500).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import { isAuthorized } from '../auth.js';
import type { Config } from '../config.js';
import type { ErrorCode } from '../errors.js';
import type { ExtraEndpoint } from '../federation/endpoint.js';
import type { Explorer } from '../explorer/index.js';
import type { GatewayContext } from '../graphql/context.js';
import { requestId } from '../logging.js';
import type { Observability } from '../observability/index.js';
import { serveMetrics } from '../observability/metrics-endpoint.js';
import { GatewayShutdown } from '../upstream/budget.js';
import type { Readiness } from '../upstream/http.js';
import { createPrecheck } from '../graphql/precheck.js';
import { ClientLimits, clientOf, type LimiterFactory } from './client-limits.js';
import { resolvePersisted, type PersistedDocuments } from './persisted-documents.js';
import { finishWithin, responseText } from './response-limits.js';

/** What the handler needs from the gateway's wiring. */
export interface HttpHandlerOptions {
  config: Config;
  apollo: ApolloServer<GatewayContext>;
  logger: Logger;
  /** Metrics, tracing and the per-request observation. */
  observability: Observability;
  /** Makes the context of one GraphQL request (throws a GraphQLError for bad credential headers). */
  makeContext(headers: IncomingMessage['headers'], signal: AbortSignal): GatewayContext;
  /** The readiness report of /readyz. */
  readiness(): Readiness;
  /** Headers a browser may send cross-origin besides the standard ones (vendor credential headers). */
  extraAllowedHeaders: readonly string[];
  /** True once the gateway drains: every new request is refused with 503. */
  stopping(): boolean;
  /** GraphQL endpoints besides /graphql, by path (the federation subgraph). */
  extraEndpoints?: ReadonlyMap<string, ExtraEndpoint>;
  /** The offline explorer (outside production): its page and static assets, served without a key. */
  explorer?: Explorer;
  /** The Server-Sent Events transport of subscriptions, served at /graphql/stream (body already read). */
  stream?: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>;
  /** True during the shutdown notice: /readyz answers 503, requests are still served. */
  notice?(): boolean;
  /** The trusted documents (`PERSISTED_DOCUMENTS`); when set, only they run. */
  persistedDocuments?: PersistedDocuments | undefined;
  /** Where the per-client limiters count (Redis, shared by replicas); in memory when unset. */
  limiterFactory?: LimiterFactory | undefined;
}

/** The Node `request` listener, and a way to cut the requests still running at the end of the grace. */
export interface HttpHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Aborts every request in flight: their pending fields fail, and what they have is answered. */
  abortInFlight(): void;
}

/** Returns the Node `request` listener of the gateway. */
export function createHttpHandler(options: HttpHandlerOptions): HttpHandler {
  const { config, apollo, logger, observability } = options;
  const allowedHeaders = [...BASE_ALLOWED_HEADERS, ...options.extraAllowedHeaders].join(', ');
  const limits = new ClientLimits(config.clientLimits, logger, options.limiterFactory);
  const check = createPrecheck(config.limits);
  const precheck = (query: string | undefined) => (query === undefined ? undefined : check(query));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const id = requestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', id);
    cors(req, res, allowedHeaders, config.corsOrigins);
    if (options.stopping()) {
      res.setHeader('connection', 'close');
      sendError(res, 503, 'UPSTREAM_UNAVAILABLE', 'The gateway is shutting down; retry on another replica.');
      return;
    }
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (url.pathname === '/readyz') {
      const ready = options.readiness();
      // Not ready first: the load balancer stops sending while this replica still serves.
      if (options.notice?.()) sendJson(res, 503, { ...ready.body, status: 'draining' });
      else sendJson(res, ready.status, ready.body);
      return;
    }
    // During the notice every answer retires its keep-alive socket, so no request is sent on a
    // socket the drain would close under it.
    if (options.notice?.()) res.setHeader('connection', 'close');
    if (url.pathname === '/metrics' && observability.metrics && observability.metricsOnGatewayPort) {
      // Behind the gateway key when keys are set; METRICS_PORT keeps it off the public port instead.
      if (!isAuthorized(config.auth.apiKeys, req.headers)) {
        observability.keyRejected(logger, req, id, undefined);
        sendError(res, 401, 'UNAUTHENTICATED', 'This gateway requires an API key for /metrics.');
        return;
      }
      await serveMetrics(res, observability.metrics);
      return;
    }
    if (options.explorer?.handle(req, res, url)) return;
    const extra = options.extraEndpoints?.get(url.pathname);
    const stream = url.pathname === '/graphql/stream' ? options.stream : undefined;
    if (url.pathname !== '/graphql' && url.pathname !== '/' && !extra && !stream) {
      sendError(res, 404, 'NOT_FOUND', `Not found: the GraphQL endpoint is /graphql.`);
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const client = clientOf(req, config.auth.apiKeys.length > 0);
    if (await limits.refuseThrottledAddress(client, res, id)) return;
    // The production landing page is static HTML (the explorer, outside production, answered above).
    const landingPage = req.method === 'GET' && !url.search && /text\/html/.test(req.headers.accept ?? '');
    const started = process.hrtime.bigint();
    const observation = landingPage ? undefined : observability.startRequest(req);
    let context: GatewayContext | undefined;
    res.on('close', () => {
      observation?.finish(res.statusCode);
      if (context) {
        limits
          .chargeCalls(client, totalCalls(context))
          .catch((error: unknown) =>
            logger.error({ reqId: id, err: String(error) }, 'could not charge the client call rate'),
          );
      }
      logger.info(
        {
          reqId: id,
          method: req.method,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          upstreamCalls: context ? upstreamCallsOf(context) : undefined,
          ...observation?.logFields(),
        },
        'graphql request',
      );
    });
    if (!landingPage && !isAuthorized(config.auth.apiKeys, req.headers)) {
      observability.keyRejected(logger, req, id, observation?.traceId);
      observation?.refuse('UNAUTHENTICATED');
      await limits.recordAuthFailure(client);
      res.setHeader('www-authenticate', 'Bearer realm="fleetgraph"');
      sendError(
        res,
        401,
        'UNAUTHENTICATED',
        'This gateway requires an API key: send Authorization: Bearer <key> or x-api-key.',
      );
      return;
    }
    const subgraphRefusal = extra?.refuse(req.headers);
    if (subgraphRefusal) {
      observation?.refuse('UNAUTHENTICATED');
      sendError(res, 401, 'UNAUTHENTICATED', subgraphRefusal);
      return;
    }
    if (await limits.refuseOverRate(client, res, id)) return;
    const body = await readBody(req, config.limits.maxBodyBytes);
    if (body !== undefined && stream) {
      await stream(req, res, body);
      return;
    }
    if (body === undefined) {
      observation?.refuse('BAD_REQUEST', 'MAX_BODY_BYTES');
      sendError(
        res,
        413,
        'BAD_REQUEST',
        `Request body exceeds the limit of ${config.limits.maxBodyBytes} bytes (MAX_BODY_BYTES).`,
      );
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let parsedBody: unknown = undefined;
    const contentType = headers.get('content-type') ?? '';
    if (
      req.method === 'POST' &&
      body.length > 0 &&
      /^application\/(graphql-response\+)?json\b/i.test(contentType)
    ) {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        observation?.refuse('BAD_REQUEST');
        sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        return;
      }
    } else if (req.method === 'POST' && body.length > 0) {
      parsedBody = body;
    }
    if (options.persistedDocuments) {
      const params =
        req.method === 'GET' ? paramsOf(url) : (parsedBody as Record<string, unknown> | undefined);
      const resolved = resolvePersisted(options.persistedDocuments, params ?? {});
      if ('refusal' in resolved) {
        observation?.refuse('PERSISTED_QUERY_NOT_FOUND');
        sendError(res, 400, 'PERSISTED_QUERY_NOT_FOUND', resolved.refusal);
        return;
      }
      if (req.method === 'GET') {
        // Apollo reads a GET's operation from the URL (and still applies its CSRF prevention).
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(resolved.body)) {
          if (value !== undefined) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
        }
        url.search = search.toString();
      } else {
        parsedBody = resolved.body;
      }
    }
    const refusal = precheck(documentOf(parsedBody, url));
    if (refusal) {
      observation?.refuse('BAD_USER_INPUT', String(refusal.extensions.limit ?? ''));
      sendLimitError(res, refusal.message, refusal.extensions);
      return;
    }
    const abort = new AbortController();
    inFlight.add(abort);
    res.on('close', () => {
      inFlight.delete(abort);
      abort.abort();
    });
    observation?.bind(abort.signal);
    const startedAt = Date.now();
    const response = await finishWithin(
      (extra?.apollo ?? apollo).executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
        context: async () => {
          context = options.makeContext(req.headers, abort.signal);
          observation?.attach(context);
          return context;
        },
      }),
      startedAt,
      config.requestDeadlineMs,
    );
    // Shutting down: this socket must not carry another request, so the drain can complete.
    if (options.stopping()) res.setHeader('connection', 'close');
    if (response === 'late') {
      abort.abort();
      observation?.refuse('UPSTREAM_TIMEOUT');
      sendError(
        res,
        504,
        'UPSTREAM_TIMEOUT',
        `The response was not ready within the request deadline of ${config.requestDeadlineMs} ms ` +
          '(REQUEST_DEADLINE_MS). Ask for less data or split the query.',
      );
      return;
    }
    const text = await responseText(response.body, config.limits.maxResponseBytes);
    if (text === undefined) {
      observation?.refuse('BAD_USER_INPUT', 'MAX_RESPONSE_BYTES');
      sendLimitError(
        res,
        `The response exceeds the limit of ${config.limits.maxResponseBytes} bytes (MAX_RESPONSE_BYTES). ` +
          'Ask for smaller pages, fewer fields or fewer metric samples, or split the query.',
        { limit: 'MAX_RESPONSE_BYTES', maximum: config.limits.maxResponseBytes },
      );
      return;
    }
    if (observation?.outcome === undefined) observation?.settle(response.status ?? 200, text);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    res.end(text);
    // A client that does not read its answer holds the socket and the buffered body: bounded.
    const slowReader = setTimeout(() => res.destroy(), config.http.writeTimeoutMs);
    slowReader.unref();
    res.once('close', () => clearTimeout(slowReader));
  }

  const inFlight = new Set<AbortController>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
    });
  };
  return Object.assign(listener, {
    abortInFlight() {
      for (const abort of inFlight) abort.abort(new GatewayShutdown('the gateway is shutting down'));
    },
  });
}

/** The GraphQL-over-HTTP parameters of a GET, `variables` and `extensions` decoded. */
function paramsOf(url: URL): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  for (const key of ['variables', 'extensions']) {
    const raw = params[key];
    if (typeof raw !== 'string') continue;
    try {
      params[key] = JSON.parse(raw);
    } catch {
      params[key] = undefined;
    }
  }
  return params;
}

/** The GraphQL document of a request: `query` of a JSON body, or of the URL for a GET. */
function documentOf(body: unknown, url: URL): string | undefined {
  const query = (body as { query?: unknown } | undefined)?.query ?? url.searchParams.get('query');
  return typeof query === 'string' ? query : undefined;
}

function totalCalls(context: GatewayContext): number {
  return Object.values(context.sessions).reduce((sum, session) => sum + session.sent.length, 0);
}

/** Requests sent to each vendor for this request (not those shared or cached), for the log line. */
function upstreamCallsOf(context: GatewayContext): Record<string, number> {
  return Object.fromEntries(
    Object.entries(context.sessions).map(([vendor, s]) => [vendor, s.served.vendor + s.failed]),
  );
}

const BASE_ALLOWED_HEADERS = [
  'content-type',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'authorization',
];

// The origins of CORS_ORIGINS may call the gateway cross-origin (any outside production: Apollo
// Sandbox, dashboards on other hosts); credentials travel in explicit headers, never cookies, so no
// Allow-Credentials. CSRF prevention still requires a preflighted request (JSON content type or
// apollo-require-preflight) for every operation.
function cors(
  req: IncomingMessage,
  res: ServerResponse,
  allowedHeaders: string,
  origins: readonly string[] | '*',
): void {
  const origin = req.headers.origin;
  res.setHeader('vary', 'origin');
  if (origin !== undefined && origins !== '*' && !origins.includes(origin)) return;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  res.setHeader('access-control-expose-headers', 'x-request-id');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', allowedHeaders);
    res.setHeader('access-control-max-age', '600');
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers a request-level error in the GraphQL response shape, with a code from the closed set. */
export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** Answers a refused request-level limit: HTTP 400, BAD_USER_INPUT, the limit in the extensions. */
function sendLimitError(res: ServerResponse, message: string, extensions: Record<string, unknown>): void {
  sendJson(res, 400, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT', ...extensions } }] });
}

/** Answers a JSON body with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
