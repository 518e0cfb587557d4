/**
 * Query limits, checked on every operation before any upstream call, and the cost report.
 *
 * Contract: an operation over a limit is refused with one GraphQL error (HTTP 400), code
 * BAD_USER_INPUT, whose message names the measure, the query's value, the limit and the variable
 * that sets it, and whose extensions repeat them (`limit`, `maximum`, `actual`); nothing reaches
 * a vendor. The limits are checked in this order, and the first one exceeded is reported:
 *
 * 1. tokens (`MAX_QUERY_TOKENS`), counted as graphql-js counts them (comments excluded); Apollo's
 *    parser stops at the same limit (`parseOptions.maxTokens` in server.ts), so a huge document is
 *    refused without building its AST;
 * 2. depth (`MAX_QUERY_DEPTH`): fields on the longest path, leaf included, fragments spread;
 *    introspection (`__schema`, `__type`) counts as a leaf: its subtree is answered from memory,
 *    its list nesting is already bounded by graphql-js' MaxIntrospectionDepthRule, and the
 *    introspection queries of tools nest `ofType` deeper than any data query needs;
 * 3. aliases (`MAX_QUERY_ALIASES`), fragments spread (a fragment spread twice counts twice);
 * 4. root fields (`MAX_ROOT_FIELDS`): distinct response keys of the operation's root;
 * 5. nodes (`MAX_QUERY_NODES`) and 6. estimated upstream calls (`MAX_UPSTREAM_CALLS`), from
 *    `estimateCost` with the request's variables.
 *
 * Tokens, depth, aliases and root fields depend on the document alone; the cost also depends on
 * the variables, so every check runs per request, once the operation is resolved (Apollo's
 * `didResolveOperation`, after validation and before execution). Every response to an operation
 * that was costed carries `extensions.cost`, refused or not.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  getVariableValues,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { LimitsConfig } from '../config.js';
import { badUserInput } from '../errors.js';
import type { UpstreamSession } from '../upstream/http.js';
import { PerDocument, PerSource } from './analysis-cache.js';
import { estimateCost, type CostEstimate, type CostModel } from './cost.js';

/** The environment variable that sets each limit (config.ts reads them). */
export const LIMIT_VARIABLES = {
  maxDepth: 'MAX_QUERY_DEPTH',
  maxAliases: 'MAX_QUERY_ALIASES',
  maxRootFields: 'MAX_ROOT_FIELDS',
  maxTokens: 'MAX_QUERY_TOKENS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  maxNodes: 'MAX_QUERY_NODES',
  maxUpstreamCalls: 'MAX_UPSTREAM_CALLS',
  maxResponseBytes: 'MAX_RESPONSE_BYTES',
  maxFragments: 'MAX_FRAGMENTS',
  maxExpandedSelections: 'MAX_EXPANDED_SELECTIONS',
} as const satisfies Record<keyof LimitsConfig, string>;

/** What `extensions.cost` holds. */
export interface CostReport extends CostEstimate {
  /**
   * Requests sent to the vendors for this operation, answered or failed (identical requests are
   * sent once, retries not counted); a request answered by another request's identical call in
   * flight or by the cache is not one of them, nor one refused unsent (an open breaker).
   */
  actualUpstreamCalls: number;
  /** Requests answered by another request's identical call in flight (only when there were some). */
  sharedUpstreamCalls?: number;
  /** Requests answered from the upstream cache, fresh or stale (only when there were some). */
  cachedUpstreamCalls?: number;
  limits: { maxNodes: number; maxUpstreamCalls: number };
}

/** The static shape of one operation, fragments spread. */
export interface OperationShape {
  depth: number;
  aliases: number;
  rootFields: number;
}

/** Given a document's text, returns its token count as graphql-js' `maxTokens` counts it. */
export function countTokens(source: string): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A syntax error: the count so far stands, and parsing reports the error itself.
  }
  return count;
}

// Apollo keeps one DocumentNode per validated document text, so a repeated operation is the same
// object and its shape, which depends on the document alone, is measured once.
const shapes = new WeakMap<OperationDefinitionNode, OperationShape>();

/** Given a document and one of its operations, returns its depth, aliases and root fields. */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  let shape = shapes.get(operation);
  if (!shape) shapes.set(operation, (shape = measureUncached(document, operation)));
  return shape;
}

function measureUncached(document: DocumentNode, operation: OperationDefinitionNode): OperationShape {
  const fragments = fragmentsOf(document);
  const depthOf = new Map<string, number>();
  const aliasesOf = new Map<string, number>();

  // Both are memoised per fragment, so a fragment spread many times is walked once: a document
  // whose spreads fan out exponentially is measured in time linear in its size.
  const depth = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const introspection = selection.name.value === '__schema' || selection.name.value === '__type';
        const below = selection.selectionSet && !introspection ? depth(selection.selectionSet) : 0;
        deepest = Math.max(deepest, 1 + below);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(selection.selectionSet));
      } else {
        deepest = Math.max(deepest, memo(depthOf, fragments, selection.name.value, depth));
      }
    }
    return deepest;
  };
  const aliases = (selectionSet: SelectionSetNode): number => {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) count++;
        if (selection.selectionSet) count += aliases(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        count += aliases(selection.selectionSet);
      } else {
        count += memo(aliasesOf, fragments, selection.name.value, aliases);
      }
    }
    return count;
  };
  const rootKeys = new Set<string>();
  const spread = new Set<string>();
  const collectRoot = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) rootKeys.add(selection.alias?.value ?? selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collectRoot(selection.selectionSet);
      else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collectRoot(fragment.selectionSet);
      }
    }
  };
  collectRoot(operation.selectionSet);
  return {
    depth: depth(operation.selectionSet),
    aliases: aliases(operation.selectionSet),
    rootFields: rootKeys.size,
  };
}

/**
 * Returns the Apollo Server plugin that enforces `limits` on every operation and reports the
 * cost of each costed operation in `extensions.cost`.
 */
export function createLimitsPlugin(
  schema: GraphQLSchema,
  costModel: CostModel,
  limits: LimitsConfig,
): ApolloServerPlugin<{ sessions: Readonly<Record<string, UpstreamSession>> }> {
  // The analysis of a repeated operation is remembered with its document (analysis-cache.ts).
  const tokenCounts = new PerSource<number>();
  const costs = new PerDocument<OperationDefinitionNode, CostEstimate>();
  return {
    async requestDidStart() {
      let tokens: GraphQLError | undefined;
      let cost: CostEstimate | undefined;
      return {
        async didResolveSource({ source }) {
          // Apollo parses with `parseOptions.maxTokens` set to the same limit, so such a document is
          // never built into an AST: parsing stops at the limit with a GRAPHQL_PARSE_FAILED error
          // that says neither the variable nor the document's count. willSendResponse puts this
          // error in its place (a plugin that throws here would turn it into a 500).
          tokens = violation(
            'token count',
            tokenCounts.get(source, () => countTokens(source)),
            'maxTokens',
            limits,
          );
        },
        async didResolveOperation({ document, operation, request }) {
          // Only reached over the limit when Apollo parses without `maxTokens`: refuse it all the same.
          if (tokens) throw tokens;
          if (!operation) return;
          const shape = measureOperation(document, operation);
          throwIfOver('depth', shape.depth, 'maxDepth', limits);
          throwIfOver('alias count', shape.aliases, 'maxAliases', limits);
          throwIfOver('root field count', shape.rootFields, 'maxRootFields', limits);
          const definitions = operation.variableDefinitions ?? [];
          const coerced = getVariableValues(schema, definitions, request.variables ?? {}, { maxErrors: 1 });
          // Variables that do not coerce fail execution before any resolver runs: nothing to cost.
          if (coerced.errors) return;
          cost = costs.get(operation, coerced.coerced, () =>
            estimateCost(schema, costModel, fragmentsOf(document), operation, coerced.coerced),
          );
          throwIfOver('node count', cost.requestedNodes, 'maxNodes', limits, NODES_HINT);
          throwIfOver(
            'upstream call estimate',
            cost.estimatedUpstreamCalls,
            'maxUpstreamCalls',
            limits,
            CALLS_HINT,
          );
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (tokens) {
            const { http: _http, ...extensions } = tokens.extensions;
            result.errors = [{ message: tokens.message, extensions }];
            response.http.status = 400;
            return;
          }
          if (!cost) return;

          const sessions = Object.values(contextValue.sessions);
          const total = (count: (s: UpstreamSession) => number) => sessions.reduce((n, s) => n + count(s), 0);
          const shared = total((s) => s.served.shared);
          const cached = total((s) => s.served.cache + s.served.stale);
          const report: CostReport = {
            ...cost,
            actualUpstreamCalls: total((s) => s.served.vendor + s.failed),
            ...(shared ? { sharedUpstreamCalls: shared } : {}),
            ...(cached ? { cachedUpstreamCalls: cached } : {}),
            limits: { maxNodes: limits.maxNodes, maxUpstreamCalls: limits.maxUpstreamCalls },
          };
          result.extensions = { ...result.extensions, cost: report };
        },
      };
    },
  };
}

const NODES_HINT = 'Ask for smaller pages (`first`/`last`) or nest fewer connections.';
const CALLS_HINT =
  'Nest fewer per-parent connections (NodePool.batchJobs, NodePool.pods, Cluster.pods, Pod.metrics), ' +
  'ask for smaller pages, or split the query.';

type CheckedLimit = Exclude<
  keyof LimitsConfig,
  'maxBodyBytes' | 'maxResponseBytes' | 'maxFragments' | 'maxExpandedSelections'
>;

/** Returns the error of an exceeded limit, or undefined when `actual` is within it. */
function violation(
  measure: string,
  actual: number,
  limit: CheckedLimit,
  limits: LimitsConfig,
  hint?: string,
): GraphQLError | undefined {
  const maximum = limits[limit];
  if (actual <= maximum) return undefined;
  const variable = LIMIT_VARIABLES[limit];
  return badUserInput(
    `Query ${measure} ${actual} exceeds the limit of ${maximum} (${variable}).${hint ? ` ${hint}` : ''}`,
    { limit: variable, maximum, actual, http: { status: 400 } },
  );
}

/** Throws the error of an exceeded limit (Apollo answers it before execution, with HTTP 400). */
function throwIfOver(
  measure: string,
  actual: number,
  limit: CheckedLimit,
  limits: LimitsConfig,
  hint?: string,
): void {
  const error = violation(measure, actual, limit, limits, hint);
  if (error) throw error;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Returns `measure(fragment)`, computed once per fragment. A fragment being measured (a cycle,
 * which validation has already refused) or unknown counts as empty.
 */
function memo(
  cache: Map<string, number>,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  name: string,
  measure: (selectionSet: SelectionSetNode) => number,
): number {
  const known = cache.get(name);
  if (known !== undefined) return known;
  const fragment = fragments.get(name);
  if (!fragment) return 0;
  cache.set(name, 0);
  const value = measure(fragment.selectionSet);
  cache.set(name, value);
  return value;
}
