/**
 * Bounded label values: whatever clients send, the number of series stays bounded. Operation
 * names are client input, so only the first `max` distinct well-formed names become label values;
 * the rest, and names that are too long or not GraphQL names, fold into one value.
 */
import { ErrorCode } from '../errors.js';

/** The label value of an operation without a name. */
export const ANONYMOUS = '(anonymous)';
/** The label value of every operation name past the bound, too long or malformed. */
export const OTHER = '(other)';
/** The label value of a request refused before its operation could be read. */
export const UNKNOWN = '(unknown)';

/** The longest operation name kept as a label value. */
export const MAX_OPERATION_NAME_LENGTH = 64;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Folds operation names into a bounded set of label values (one folder per process). */
export class OperationNameFolder {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  /** Given an operation name (or none), returns its label value. */
  fold(name: string | null | undefined): string {
    if (name === undefined || name === null || name === '') return ANONYMOUS;
    if (this.known.has(name)) return name;
    if (name.length > MAX_OPERATION_NAME_LENGTH || !GRAPHQL_NAME.test(name)) return OTHER;
    if (this.known.size >= this.max) return OTHER;
    this.known.add(name);
    return name;
  }
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** Given an error's `extensions.code`, returns it when it is one of the closed set, else `OTHER`. */
export function errorCodeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : OTHER;
}

/** How a GraphQL request ended, as the `outcome` label says it. */
export type RequestOutcome =
  /** Data and no error. */
  | 'ok'
  /** Data with errors (some fields failed). */
  | 'partial'
  /** Executed, but no data (or every root field null). */
  | 'error'
  /** Not executed: authentication, body size, parse, validation or a query limit refused it. */
  | 'refused';
