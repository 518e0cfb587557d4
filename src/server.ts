/**
 * The gateway process's wiring: the embedded simulators for every vendor without a base URL, one
 * upstream pool per vendor, the schema and Apollo Server with its plugins, the HTTP handler
 * (`http/handler.ts`) on Node's HTTP server, and an orderly shutdown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageProductionDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config, HttpLimitsConfig } from './config.js';
import { formatError } from './errors.js';
import { createExplorer } from './explorer/index.js';
import { createLogger, scrub } from './logging.js';
import {
  createContextFactory,
  type GatewayContext,
  type SharedUpstreams,
  type UpstreamPools,
} from './graphql/context.js';
import type { CostModel } from './graphql/cost.js';
import { createLimitsPlugin } from './graphql/limits.js';
import { createCostModel, createSchema } from './graphql/schema.js';
import { SUBGRAPH_PATH, createSubgraphEndpoint } from './federation/endpoint.js';
import { createNoSuggestionsPlugin } from './graphql/no-suggestions.js';
import { createSelectionPlugin } from './graphql/selection.js';
import { createStalePlugin } from './graphql/stale.js';
import { redisLimiters } from './http/client-limits.js';
import { createHttpHandler } from './http/handler.js';
import { Observability, apolloLogger, createObservabilityPlugin } from './observability/index.js';
import { startMetricsServer } from './observability/metrics-endpoint.js';
import { loadPersistedDocuments } from './http/persisted-documents.js';
import { configureCursorKeys } from './pagination/connection.js';
import { startSimulators, type RunningSimulators } from './simulators/index.js';
import { createClusterJoin } from './joins/index.js';
import { LiveService } from './subscriptions/live.js';
import { attachWebSocket, createSseHandler, type WebSocketTransport } from './subscriptions/transports.js';
import { createSharedState } from './store/index.js';
import { UpstreamPool, readiness } from './upstream/http.js';
import { VENDORS } from './vendors/registry.js';

export interface Gateway {
  url: string;
  server: Server;
  /** The METRICS_PORT server's `/metrics` URL, when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  simulators: RunningSimulators | undefined;
  /** Subscriptions: their shared pollers and the WebSocket transport. */
  live: LiveService;
  webSocket: WebSocketTransport;
  stop(): Promise<void>;
}

/** Starts the gateway (and the simulators of demo-mode vendors); resolves once it listens. */
export async function startGateway(config: Config, logger: Logger = createLogger(config)): Promise<Gateway> {
  // Read before anything starts: a bad manifest stops the start naming PERSISTED_DOCUMENTS.
  const persistedDocuments = config.persistedDocumentsPath
    ? loadPersistedDocuments(config.persistedDocumentsPath)
    : undefined;
  const demo = VENDORS.some((vendor) => config[vendor.id].demo);
  const simulators = demo ? await startSimulators(config) : undefined;
  if (simulators) {
    for (const [vendor, url] of Object.entries(simulators.urls))
      logger.info({ vendor, url }, `demo mode: ${vendor} is served by the embedded simulator at ${url}`);
  }
  const observability = new Observability(config.observability);
  const pools = Object.fromEntries(
    VENDORS.map((vendor) => {
      const vendorConfig = config[vendor.id];
      const baseUrl = vendorConfig.demo && simulators ? simulators.urls[vendor.id] : vendorConfig.baseUrl;
      const pool = new UpstreamPool(vendor, baseUrl, {
        resilience: vendorConfig.resilience,
        devMode: config.devMode,
        logger,
        telemetry: observability.upstream,
      });
      return [vendor.id, pool];
    }),
  ) as UpstreamPools;
  const shared = await createSharedState(config, pools, logger);
  const redisState = shared.readiness;
  if (config.redis) observability.metrics?.watchRedis(() => redisState().redis ?? 'unavailable');
  const makeContext = createContextFactory(
    config,
    shared.upstreams as SharedUpstreams,
    createClusterJoin(config, simulators?.clusterMap),
  );
  // Cursors are signed with the configured key: any replica, before or after a restart, resumes them.
  configureCursorKeys(config.cursorKeys.secret, config.cursorKeys.previous);
  const secrets = [
    ...VENDORS.map((vendor) => config[vendor.id].credential),
    ...config.auth.apiKeys,
    ...(config.federation.secret ? [config.federation.secret] : []),
    config.cursorKeys.secret,
    ...config.cursorKeys.previous,
  ];
  let phase: 'serving' | 'notice' | 'draining' = 'serving';
  const logUnexpected = (e: unknown) =>
    logger.error(
      { err: scrub(e instanceof Error ? (e.stack ?? e.message) : String(e), secrets) },
      'unexpected error (masked in the response)',
    );
  const schema = createSchema();
  const costModel = createCostModel([], config.gpuScanBudget);
  const live = new LiveService(config, schema, costModel, makeContext, logUnexpected);

  const makeApollo = (schema: GraphQLSchema, costModel: CostModel) =>
    new ApolloServer<GatewayContext>({
      schema,
      logger: apolloLogger(logger, secrets),
      introspection: config.introspection,
      // With Redis, a persisted query registered on one replica is known to every replica.
      ...(shared.apolloCache ? { cache: shared.apolloCache } : {}),
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
          log: logUnexpected,
        }),
      plugins: [
        // No cache hints are used; the default cache-control plugin would wrap every resolver.
        ApolloServerPluginCacheControlDisabled(),
        // A federated schema would send per-field timings to any caller asking for them (ftv1).
        ApolloServerPluginInlineTraceDisabled(),
        createSelectionPlugin(schema),
        createLimitsPlugin(schema, costModel, config.limits),
        createStalePlugin(),
        // After the limits plugin: it reads the cost and the limit errors that plugin adds.
        createObservabilityPlugin(),
        ...(config.introspection ? [] : [createNoSuggestionsPlugin<GatewayContext>()]),
        config.production
          ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
          : ApolloServerPluginLandingPageDisabled(),
      ],
    });
  const apollo = makeApollo(schema, costModel);
  const subgraph = createSubgraphEndpoint(config.federation, config.gpuScanBudget, makeApollo);
  await apollo.start();
  await subgraph?.apollo.start();

  const handler = createHttpHandler({
    config,
    apollo,
    logger,
    observability,
    makeContext,
    readiness: () => {
      const ready = readiness(pools);
      return { ...ready, body: { ...ready.body, ...shared.readiness() } };
    },
    extraAllowedHeaders: VENDORS.map((vendor) => vendor.credentialHeader),
    stopping: () => phase === 'draining',
    notice: () => phase === 'notice',
    persistedDocuments,
    // With Redis, the per-client limits count across replicas.
    limiterFactory:
      shared.redis && config.redis ? redisLimiters(shared.redis, config.redis.keyPrefix) : undefined,
    extraEndpoints: new Map(subgraph ? [[SUBGRAPH_PATH, subgraph]] : []),
    explorer: config.production ? undefined : createExplorer(),
    stream: createSseHandler(live),
  });
  const server = createServer(httpServerOptions(config.http), handler);
  applyHttpLimits(server, config.http);
  const webSocket = attachWebSocket(server, live, config, logger, () => phase === 'draining');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const metricsPort = config.observability.metrics.port;
  const metricsServer =
    observability.metrics && metricsPort !== undefined
      ? await startMetricsServer(observability.metrics, metricsPort, config.host)
      : undefined;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}/graphql`;

  return {
    url,
    server,
    metricsUrl: metricsServer
      ? `http://${host}:${(metricsServer.address() as AddressInfo).port}/metrics`
      : undefined,
    simulators,
    live,
    webSocket,
    /**
     * Orderly stop: a notice (SHUTDOWN_NOTICE_MS) with /readyz at 503 while requests are still
     * served, then no new requests (503 on open keep-alive sockets, no new connections) while
     * in-flight ones finish within SHUTDOWN_GRACE_MS; at its end they are cut and answer what they
     * have, with a coded error on the fields still waiting; then the upstream pools close.
     */
    async stop() {
      if (phase !== 'serving') return;
      phase = 'notice';
      if (config.shutdownNoticeMs > 0) {
        logger.info({ noticeMs: config.shutdownNoticeMs }, 'shutdown notice: /readyz answers 503');
        await new Promise((resolve) => setTimeout(resolve, config.shutdownNoticeMs));
      }
      phase = 'draining';
      // Live streams never finish by themselves: end them so the drain is not held by them.
      live.close();
      await webSocket.close();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const after = (ms: number) =>
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
      if ((await Promise.race([drained, after(config.shutdownGraceMs)])) === 'timeout') {
        logger.warn(
          { graceMs: config.shutdownGraceMs },
          'shutdown grace elapsed: cutting the requests still running',
        );
        handler.abortInFlight();
        // The cut requests answer what they have within moments; a socket still open after that
        // belongs to a client that is not reading.
        if ((await Promise.race([drained, after(CUT_ANSWER_MS)])) === 'timeout') {
          server.closeAllConnections();
          await drained;
        }
      }
      await apollo.stop();
      await subgraph?.apollo.stop();
      await Promise.all(Object.values(pools).map((p) => p.close()));
      await shared.close();
      await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
      await observability.shutdown();
      await simulators?.close();
    },
  };
}

/** How long requests cut at the end of the grace get to send what they have. */
const CUT_ANSWER_MS = 1_000;

/** Node's server options for the HTTP limits (timeouts are checked every second, not every 30). */
function httpServerOptions(limits: HttpLimitsConfig) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: 1_000,
  };
}

function applyHttpLimits(server: Server, limits: HttpLimitsConfig): void {
  server.maxConnections = limits.maxConnections;
}
