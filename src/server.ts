/**
 * The gateway process: Apollo Server 5 on Node's HTTP server at `/graphql`, with CORS for Apollo
 * Sandbox and browser apps (Apollo's CSRF prevention stays on), the per-request context, the
 * embedded simulators for every vendor without a base URL, and an orderly shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { Config } from './config.js';
import { formatError, type ErrorCode } from './errors.js';
import { createLogger, requestId, scrub } from './logging.js';
import { isAuthorized } from './auth.js';
import type { Logger } from 'pino';
import {
  CREDENTIAL_HEADERS,
  createClusterJoin,
  createContextFactory,
  type GatewayContext,
} from './graphql/context.js';
import { createLimitsPlugin } from './graphql/limits.js';
import { createSchema } from './graphql/schema.js';
import { collectSelectedFields } from './graphql/selection.js';
import { startSimulators, type RunningSimulators } from './simulators/index.js';
import { UpstreamPool, readiness } from './upstream/http.js';

export interface Gateway {
  url: string;
  server: Server;
  simulators: RunningSimulators | undefined;
  stop(): Promise<void>;
}

/** Starts the gateway (and the simulators of demo-mode vendors); resolves once it listens. */
export async function startGateway(config: Config, logger: Logger = createLogger(config)): Promise<Gateway> {
  const demo = [config.fireworks, config.runai, config.gitpod].some((u) => u.demo);
  const simulators = demo ? await startSimulators(config) : undefined;
  if (simulators) {
    for (const [vendor, url] of Object.entries(simulators.urls))
      logger.info({ vendor, url }, `demo mode: ${vendor} is served by the embedded simulator at ${url}`);
  }
  const baseUrl = (vendor: 'fireworks' | 'runai' | 'gitpod') =>
    config[vendor].demo && simulators ? simulators.urls[vendor] : config[vendor].baseUrl;
  const pool = (vendor: 'fireworks' | 'runai' | 'gitpod') =>
    new UpstreamPool(vendor, baseUrl(vendor), {
      resilience: config[vendor].resilience,
      devMode: config.devMode,
      logger,
    });
  const pools = { fireworks: pool('fireworks'), runai: pool('runai'), gitpod: pool('gitpod') };
  const clusterMap =
    Object.keys(config.runaiClusterMap).length > 0 || !simulators
      ? config.runaiClusterMap
      : simulators.clusterMap;
  const makeContext = createContextFactory(
    config,
    pools,
    createClusterJoin(clusterMap, config.runaiNodePoolKey),
  );
  const schema = createSchema();
  const secrets = [
    config.fireworks.credential,
    config.runai.credential,
    config.gitpod.credential,
    ...config.auth.apiKeys,
  ];
  let stopping = false;

  const selectionPlugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue, request }) {
          contextValue.selection.current = collectSelectedFields(schema, document, request.variables ?? {});
        },
      };
    },
  };

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    introspection: config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: config.devMode,
    hideSchemaDetailsFromClientErrors: !config.introspection,
    allowBatchedHttpRequests: false,
    // Stops parsing a document over the token limit; the limits plugin words the error.
    parseOptions: { maxTokens: config.limits.maxTokens },
    // main.ts owns SIGINT/SIGTERM: it drains the HTTP server first, then stops Apollo and the pools.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      formatError(formatted, error, {
        devMode: config.devMode,
        log: (e) =>
          logger.error(
            { err: scrub(e instanceof Error ? (e.stack ?? e.message) : String(e), secrets) },
            'unexpected error (masked in the response)',
          ),
      }),
    plugins: [
      // No cache hints are used; the default cache-control plugin would wrap every resolver.
      ApolloServerPluginCacheControlDisabled(),
      selectionPlugin,
      createLimitsPlugin(schema, config.limits),
      config.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  });
  await apollo.start();

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const id = requestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', id);
    cors(req, res);
    if (stopping) {
      res.setHeader('connection', 'close');
      sendError(res, 503, 'UPSTREAM_UNAVAILABLE', 'The gateway is shutting down; retry on another replica.');
      return;
    }
    if (url.pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (url.pathname === '/readyz') {
      const ready = readiness(pools);
      sendJson(res, ready.status, ready.body);
      return;
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') {
      sendError(res, 404, 'NOT_FOUND', `Not found: the GraphQL endpoint is /graphql.`);
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    // The landing page (Sandbox) is static HTML; the key is then set in Sandbox's own headers.
    const landingPage = req.method === 'GET' && !url.search && /text\/html/.test(req.headers.accept ?? '');
    if (!landingPage && !isAuthorized(config.auth.apiKeys, req.headers)) {
      res.setHeader('www-authenticate', 'Bearer realm="fleetgraph"');
      sendError(
        res,
        401,
        'UNAUTHENTICATED',
        'This gateway requires an API key: send Authorization: Bearer <key> or x-api-key.',
      );
      return;
    }
    const started = process.hrtime.bigint();
    const body = await readBody(req, config.limits.maxBodyBytes);
    if (body === undefined) {
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
        sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        return;
      }
    } else if (req.method === 'POST' && body.length > 0) {
      parsedBody = body;
    }
    const abort = new AbortController();
    let context: GatewayContext | undefined;
    res.on('close', () => abort.abort());
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body: parsedBody },
      context: async () => (context = makeContext(req.headers, abort.signal)),
    });
    res.on('finish', () => {
      logger.info(
        {
          reqId: id,
          method: req.method,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          upstreamCalls: context
            ? {
                fireworks: context.sessions.fireworks.sent.length,
                runai: context.sessions.runai.sent.length,
                gitpod: context.sessions.gitpod.sent.length,
              }
            : undefined,
        },
        'graphql request',
      );
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    // Shutting down: this socket must not carry another request, so the drain can complete.
    if (stopping) res.setHeader('connection', 'close');
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${address.port}/graphql`;

  return {
    url,
    server,
    simulators,
    /**
     * Graceful stop: refuse new requests (503 on open keep-alive sockets, no new connections),
     * let in-flight ones finish within SHUTDOWN_GRACE_MS, then cut what is left and close the
     * upstream pools.
     */
    async stop() {
      stopping = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), config.shutdownGraceMs).unref(),
      );
      if ((await Promise.race([drained, grace])) === 'timeout') {
        logger.warn(
          { graceMs: config.shutdownGraceMs },
          'shutdown grace elapsed: closing remaining connections',
        );
        server.closeAllConnections();
        await drained;
      }
      await apollo.stop();
      await Promise.all(Object.values(pools).map((p) => p.close()));
      await simulators?.close();
    },
  };
}

const ALLOWED_HEADERS = [
  'content-type',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'authorization',
  ...Object.values(CREDENTIAL_HEADERS),
].join(', ');

// Any origin may call the gateway (Apollo Sandbox, dashboards on other hosts); credentials travel
// in explicit headers, never cookies, so no Allow-Credentials. CSRF prevention still requires a
// preflighted request (JSON content type or apollo-require-preflight) for every operation.
function cors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('access-control-allow-origin', origin ?? '*');
  res.setHeader('access-control-expose-headers', 'x-request-id');
  res.setHeader('vary', 'origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
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
function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
