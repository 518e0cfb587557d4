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
import type { Config } from './config.js';
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
import { createSelectionPlugin } from './graphql/selection.js';
import { createStalePlugin } from './graphql/stale.js';
import { createHttpHandler } from './http/handler.js';
import { Observability, apolloLogger, createObservabilityPlugin } from './observability/index.js';
import { startMetricsServer } from './observability/metrics-endpoint.js';
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
  const makeContext = createContextFactory(
    config,
    shared.upstreams as SharedUpstreams,
    createClusterJoin(config, simulators?.clusterMap),
  );
  const secrets = [
    ...VENDORS.map((vendor) => config[vendor.id].credential),
    ...config.auth.apiKeys,
    ...(config.federation.secret ? [config.federation.secret] : []),
  ];
  let stopping = false;
  const logUnexpected = (e: unknown) =>
    logger.error(
      { err: scrub(e instanceof Error ? (e.stack ?? e.message) : String(e), secrets) },
      'unexpected error (masked in the response)',
    );
  const schema = createSchema();
  const costModel = createCostModel();
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
        config.production
          ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
          : ApolloServerPluginLandingPageDisabled(),
      ],
    });
  const apollo = makeApollo(schema, costModel);
  const subgraph = createSubgraphEndpoint(config.federation, makeApollo);
  await apollo.start();
  await subgraph?.apollo.start();

  const server = createServer(
    createHttpHandler({
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
      stopping: () => stopping,
      extraEndpoints: new Map(subgraph ? [[SUBGRAPH_PATH, subgraph]] : []),
      explorer: config.production ? undefined : createExplorer(),
      stream: createSseHandler(live),
    }),
  );
  const webSocket = attachWebSocket(server, live, config, logger, () => stopping);

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
     * Graceful stop: refuse new requests (503 on open keep-alive sockets, no new connections),
     * let in-flight ones finish within SHUTDOWN_GRACE_MS, then cut what is left and close the
     * upstream pools.
     */
    async stop() {
      stopping = true;
      // Live streams never finish by themselves: end them so the drain is not held by them.
      live.close();
      await webSocket.close();
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
      await subgraph?.apollo.stop();
      await Promise.all(Object.values(pools).map((p) => p.close()));
      await shared.close();
      await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
      await observability.shutdown();
      await simulators?.close();
    },
  };
}
