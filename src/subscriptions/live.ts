/**
 * The subscription side of the graph: the four `*Events` fields, how an operation is admitted
 * (the same parse, validation, limits and credential handling as a query over HTTP, plus the
 * subscription limits), and how each event is executed.
 *
 * Each event runs the subscriber's selection with a fresh context from the request context
 * factory (fresh loaders and sessions, its own time budget), so relations of `node` resolve as
 * anywhere else and nothing is cached from one event to the next or shared between subscribers.
 * The transports (transports.ts) only move messages; everything GraphQL happens here.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  GraphQLError,
  createSourceEventStream,
  execute,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { Config, LiveConfig } from '../config.js';
import { badUserInput, ErrorCode, formatError } from '../errors.js';
import type { GatewayContext } from '../graphql/context.js';
import { estimateCost, type CostModel } from '../graphql/cost.js';
import { LIMIT_VARIABLES, countTokens, measureOperation } from '../graphql/limits.js';
import { collectSelectedFields, type SelectedFields } from '../graphql/selection.js';
import type { LiveSource, VendorModule } from '../vendors/contract.js';
import { VENDOR_MODULES } from '../vendors/registry.js';
import { stableJson, type ChangeDetector } from './changes.js';
import { PollerRegistry, type PollerMessage } from './poller.js';

/** Every subscription field, with the vendor whose API it polls (each vendor's `liveSources`). */
const SOURCES: ReadonlyMap<string, { vendor: VendorModule; source: LiveSource<unknown> }> = new Map(
  VENDOR_MODULES.flatMap((vendor) =>
    (vendor.liveSources ?? []).map((source) => [source.field, { vendor, source }] as const),
  ),
);

/** Every vendor's credential header (a subscriber's credentials are part of what it may see). */
const CREDENTIAL_HEADERS = VENDOR_MODULES.map((vendor) => vendor.credentialHeader);

/** What one admitted subscription carries besides its GraphQL context. */
interface Subscriber {
  headers: IncomingHttpHeaders;
  selected: SelectedFields;
  /**
   * Identifies the operation and what it may see: its text, name, variables and a hash of each
   * vendor credential. Subscribers with equal fingerprints get the same result for an event.
   */
  fingerprint: string;
  release(): void;
}

/** Where a subscription comes from, for its limits. */
export interface SubscriptionOrigin {
  /** The client (a hash of its gateway API key, else its address). */
  client: string;
  /** The connection (a WebSocket); undefined for an SSE request, which carries one operation. */
  connection?: object;
}

/** The operation as a transport received it. */
export interface OperationParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** How many distinct valid documents the service keeps parsed, and the longest text it keeps. */
const MAX_CACHED_DOCUMENTS = 100;
const MAX_CACHED_DOCUMENT_LENGTH = 8 * 1024;

// The service that admitted each subscription context, so the schema's (static) resolvers find it.
const SERVICES = new WeakMap<object, LiveService>();

/** Subscriptions of one gateway: admission, the shared pollers and event execution. */
export class LiveService {
  readonly registry = new PollerRegistry();
  private readonly subscribers = new WeakMap<object, Subscriber>();
  private readonly perClient = new Map<string, number>();
  private readonly perConnection = new WeakMap<object, number>();
  // Identical subscriptions (a dashboard's, from many browsers) share one parsed, validated AST.
  private readonly documents = new Map<string, DocumentNode>();
  // Per event (the poller's message, one object for all its subscribers): the execution of each
  // distinct operation, so identical subscriptions resolve an event once, whatever their number.
  private readonly executions = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  private readonly live: LiveConfig;

  constructor(
    private readonly config: Config,
    private readonly schema: GraphQLSchema,
    private readonly costModel: CostModel,
    private readonly makeContext: (headers: IncomingHttpHeaders, signal?: AbortSignal) => GatewayContext,
    private readonly log: (error: unknown) => void,
  ) {
    this.live = config.live;
  }

  /**
   * Admits one operation: returns the execution arguments, or the errors to answer with (the
   * same checks as over HTTP, then the subscription limits). Never throws.
   */
  prepare(
    headers: IncomingHttpHeaders,
    params: OperationParams,
    origin: SubscriptionOrigin,
  ): ExecutionArgs | GraphQLError[] {
    try {
      return this.admit(headers, params, origin);
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      this.log(error);
      return [
        new GraphQLError('Unexpected error.', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }),
      ];
    }
  }

  /** Runs an admitted subscription: one result per event, each executed with a fresh context. */
  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const subscriber = this.subscribers.get(args.contextValue as object);
    if (!subscriber)
      return {
        errors: [
          new GraphQLError('Unknown subscription.', {
            extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
          }),
        ],
      };
    let source: AsyncIterable<unknown> | ExecutionResult;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      subscriber.release();
      throw error;
    }
    if (!(Symbol.asyncIterator in source)) {
      subscriber.release();
      return source;
    }
    const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const event = (payload: unknown): Promise<ExecutionResult> => {
      let byOperation = this.executions.get(payload as object);
      if (!byOperation) this.executions.set(payload as object, (byOperation = new Map()));
      let result = byOperation.get(subscriber.fingerprint);
      if (!result) {
        // A fresh context per event (fresh loaders, its own time budget), shared only by
        // subscribers with the same operation and credentials; it outlives any one of them.
        const contextValue = this.makeContext(subscriber.headers);
        contextValue.selection.current = subscriber.selected;
        result = Promise.resolve(execute({ ...args, rootValue: payload, contextValue }));
        byOperation.set(subscriber.fingerprint, result);
      }
      return result;
    };
    const stream: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const item = await iterator.next();
        if (item.done) {
          subscriber.release();
          return { value: undefined, done: true };
        }
        return { value: await event(item.value), done: false };
      },
      async return() {
        subscriber.release();
        await iterator.return?.();
        return { value: undefined, done: true };
      },
      async throw() {
        return stream.return?.() ?? { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }

  /** Formats a result's errors as every response does (codes kept, anything else masked). */
  format(result: ExecutionResult): FormattedExecutionResult {
    const { errors, ...rest } = result;
    return errors ? { ...rest, errors: this.formatErrors(errors) } : rest;
  }

  /** Formats errors as every response does. */
  formatErrors(errors: readonly GraphQLError[]) {
    return errors.map((e) => formatError(e.toJSON(), e, { devMode: this.config.devMode, log: this.log }));
  }

  /** The resolver of a subscription field: joins the shared poller of its key. */
  async source(field: string, filter: unknown, context: object): Promise<AsyncIterable<PollerMessage>> {
    const subscriber = this.subscribers.get(context);
    const live = SOURCES.get(field);
    if (!subscriber || !live) throw notOverHttp();
    const vendorDetector = live.source.detector(filter);
    const vendorId = live.vendor.id as keyof GatewayContext;
    // The poller hands each poll a fresh request context; the vendor's detector polls its API.
    const detector: ChangeDetector<GatewayContext> = { poll: (ctx) => vendorDetector.poll(ctx[vendorId]) };
    const header = live.vendor.credentialHeader;
    const raw = subscriber.headers[header];
    const credential = Array.isArray(raw) ? raw[0] : raw;
    // The key names the credential by a hash: equal credentials share a poller, none is stored.
    const key = `${field}\u0000${stableJson(normalise(filter))}\u0000${credentialIdentity(raw)}`;
    const pollHeaders: IncomingHttpHeaders = credential === undefined ? {} : { [header]: credential };
    return this.registry.subscribe(key, () => ({
      detector,
      intervalMs: this.live.pollMs[live.vendor.id as keyof LiveConfig['pollMs']],
      maxBackoffMs: this.live.maxBackoffMs,
      context: (signal) => this.makeContext(pollHeaders, signal),
    }));
  }

  /** The schema, for the transports' own checks (operations are admitted by `prepare`). */
  get schemaForTransports(): GraphQLSchema {
    return this.schema;
  }

  /** Stops every poller and ends every subscription (gateway shutdown). */
  close(): void {
    this.registry.close();
  }

  private admit(
    headers: IncomingHttpHeaders,
    params: OperationParams,
    origin: SubscriptionOrigin,
  ): ExecutionArgs {
    const { limits } = this.config;
    if (typeof params.query !== 'string' || params.query === '') {
      throw badUserInput('The operation needs a `query` string.');
    }
    const variables = params.variables ?? {};
    if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
      throw badUserInput('`variables` must be an object.');
    }
    const operationName = typeof params.operationName === 'string' ? params.operationName : undefined;
    const tokens = countTokens(params.query);
    over('token count', tokens, 'maxTokens', limits.maxTokens);
    const document = this.validDocument(params.query);
    const operation = getOperationAST(document, operationName);
    if (!operation) throw badUserInput('Name the operation to run (`operationName`).');
    if (operation.operation !== 'subscription') {
      throw badUserInput('This endpoint serves subscriptions; send queries as POST /graphql.');
    }
    const shape = measureOperation(document, operation);
    over('depth', shape.depth, 'maxDepth', limits.maxDepth);
    over('alias count', shape.aliases, 'maxAliases', limits.maxAliases);
    over('root field count', shape.rootFields, 'maxRootFields', limits.maxRootFields);
    const coerced = getVariableValues(
      this.schema,
      operation.variableDefinitions ?? [],
      variables as Record<string, unknown>,
      { maxErrors: 1 },
    );
    if (coerced.errors) throw badUserInput(coerced.errors[0]?.message ?? 'Invalid variables.');
    const fragments = new Map(
      document.definitions.flatMap((d) =>
        d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [],
      ),
    );
    const cost = estimateCost(this.schema, this.costModel, fragments, operation, coerced.coerced);
    over('node count', cost.requestedNodes, 'maxNodes', limits.maxNodes);
    over('upstream call estimate', cost.estimatedUpstreamCalls, 'maxUpstreamCalls', limits.maxUpstreamCalls);

    // Throws BAD_USER_INPUT for a malformed or disabled credential header, as over HTTP. The
    // subscription's own context is only a key (each event gets a fresh request context).
    this.makeContext(headers);
    const contextValue = {};
    const release = this.acquire(origin);
    let released = false;
    SERVICES.set(contextValue, this);
    this.subscribers.set(contextValue, {
      headers,
      selected: collectSelectedFields(this.schema, document, coerced.coerced),
      fingerprint: fingerprintOf(params.query, operationName, coerced.coerced, headers),
      release: () => {
        if (released) return;
        released = true;
        release();
      },
    });
    return { schema: this.schema, document, operationName, variableValues: coerced.coerced, contextValue };
  }

  /** Parses and validates a document, once per distinct text while it stays among the recent ones. */
  private validDocument(query: string): DocumentNode {
    const cached = this.documents.get(query);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.config.limits.maxTokens });
    } catch (error) {
      throw new GraphQLError(
        error instanceof GraphQLError ? error.message : 'The query is not valid GraphQL.',
        {
          extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED },
        },
      );
    }
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) {
      const first = invalid[0] as GraphQLError;
      throw new GraphQLError(first.message, {
        nodes: first.nodes,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
    }
    if (query.length <= MAX_CACHED_DOCUMENT_LENGTH) {
      if (this.documents.size >= MAX_CACHED_DOCUMENTS) {
        this.documents.delete(this.documents.keys().next().value as string);
      }
      this.documents.set(query, document);
    }
    return document;
  }

  /** Takes a slot of the client's and the connection's subscription limits, or throws. */
  private acquire(origin: SubscriptionOrigin): () => void {
    const { maxPerClient, maxPerConnection } = this.live;
    const client = this.perClient.get(origin.client) ?? 0;
    const connection = origin.connection ? (this.perConnection.get(origin.connection) ?? 0) : 0;
    if (origin.connection && connection >= maxPerConnection) {
      throw subscriptionLimit('connection', 'MAX_SUBSCRIPTIONS_PER_CONNECTION', maxPerConnection);
    }
    if (client >= maxPerClient)
      throw subscriptionLimit('client', 'MAX_SUBSCRIPTIONS_PER_CLIENT', maxPerClient);
    this.perClient.set(origin.client, client + 1);
    if (origin.connection) this.perConnection.set(origin.connection, connection + 1);
    return () => {
      const left = (this.perClient.get(origin.client) ?? 1) - 1;
      if (left > 0) this.perClient.set(origin.client, left);
      else this.perClient.delete(origin.client);
      if (origin.connection)
        this.perConnection.set(origin.connection, (this.perConnection.get(origin.connection) ?? 1) - 1);
    };
  }
}

/** The resolvers of the Subscription fields (registered with the schema in graphql/schema.ts). */
export const subscriptionResolvers = {
  Subscription: Object.fromEntries(
    [...SOURCES.keys()].map((name) => [
      name,
      {
        subscribe: (_root: unknown, args: { filter?: unknown }, context: object) => {
          const live = SERVICES.get(context);
          if (!live) throw notOverHttp();
          return live.source(name, args.filter ?? null, context);
        },
        resolve: (message: PollerMessage | undefined) => {
          if (!message || typeof message !== 'object') throw notOverHttp();
          if ('error' in message) throw message.error;
          return message.event;
        },
      },
    ]),
  ),
};

function notOverHttp(): GraphQLError {
  return badUserInput(
    'Subscriptions are served over WebSocket at /graphql (graphql-transport-ws) and over Server-Sent Events at /graphql/stream.',
  );
}

function subscriptionLimit(scope: 'connection' | 'client', variable: string, maximum: number): GraphQLError {
  return badUserInput(
    `This ${scope} already has ${maximum} active subscriptions, the limit (${variable}); complete one first.`,
    { limit: variable, maximum },
  );
}

function over(measure: string, actual: number, limit: keyof typeof LIMIT_VARIABLES, maximum: number): void {
  if (actual <= maximum) return;
  const variable = LIMIT_VARIABLES[limit];
  throw badUserInput(`Query ${measure} ${actual} exceeds the limit of ${maximum} (${variable}).`, {
    limit: variable,
    maximum,
    actual,
  });
}

/** The operation and the credentials in force, hashed (see `Subscriber.fingerprint`). */
function fingerprintOf(
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  headers: IncomingHttpHeaders,
): string {
  const credentials = CREDENTIAL_HEADERS.map((header) => credentialIdentity(headers[header]));
  return createHash('sha256')
    .update(stableJson([query, operationName ?? null, variables, credentials]))
    .digest('hex');
}

/** A credential header's identity: a hash of its value, or `configured` when it is absent. */
function credentialIdentity(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? 'configured' : createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/** A filter with null fields dropped and lists sorted, so equal filters share one key. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(normalise).sort((a, b) => (stableJson(a) < stableJson(b) ? -1 : 1));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, normalise(v)]),
  );
}
