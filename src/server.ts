/**
 * The gateway process's wiring: the embedded simulators for every vendor without a base URL, one
 * upstream pool per vendor, the schema and Apollo Server with its plugins, the HTTP handler
 * (`http/handler.ts`) on Node's HTTP server, and an orderly shutdown.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { Logger } from 'pino';
import type { Config, HttpLimitsConfig } from './config.js';
import { formatError } from './errors.js';
import { createLogger, scrub } from './logging.js';
import {
  CREDENTIAL_HEADERS,
  createClusterJoin,
  createContextFactory,
  type GatewayContext,
} from './graphql/context.js';
import { createLimitsPlugin } from './graphql/limits.js';
import { createNoSuggestionsPlugin } from './graphql/no-suggestions.js';
import { createSchema } from './graphql/schema.js';
import { createSelectionPlugin } from './graphql/selection.js';
import { createHttpHandler } from './http/handler.js';
import { loadPersistedDocuments } from './http/persisted-documents.js';
import { configureCursorKeys } from './pagination/connection.js';
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
  // Read before anything starts: a bad manifest stops the start naming PERSISTED_DOCUMENTS.
  const persistedDocuments = config.persistedDocumentsPath
    ? loadPersistedDocuments(config.persistedDocumentsPath)
    : undefined;
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
  // Cursors are signed with the configured key: any replica, before or after a restart, resumes them.
  configureCursorKeys(config.cursorKeys.secret, config.cursorKeys.previous);
  const schema = createSchema();
  const secrets = [
    config.fireworks.credential,
    config.runai.credential,
    config.gitpod.credential,
    ...config.auth.apiKeys,
    config.cursorKeys.secret,
    ...config.cursorKeys.previous,
  ];
  let phase: 'serving' | 'notice' | 'draining' = 'serving';

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
      createSelectionPlugin(schema),
      createLimitsPlugin(schema, config.limits),
      ...(config.introspection ? [] : [createNoSuggestionsPlugin<GatewayContext>()]),
      config.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
  });
  await apollo.start();

  const handler = createHttpHandler({
    config,
    apollo,
    logger,
    makeContext,
    readiness: () => readiness(pools),
    extraAllowedHeaders: Object.values(CREDENTIAL_HEADERS),
    stopping: () => phase === 'draining',
    notice: () => phase === 'notice',
    persistedDocuments,
  });
  const server = createServer(httpServerOptions(config.http), handler);
  applyHttpLimits(server, config.http);

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
      await Promise.all(Object.values(pools).map((p) => p.close()));
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
