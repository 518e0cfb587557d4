/**
 * AIP-160 filters (https://google.aip.dev/160): a tokenizer, a recursive-descent parser to an
 * AST, and a compiler from the AST plus a resource's field catalog to a predicate.
 *
 * Grammar (AIP-160's EBNF, minus functions and global restrictions):
 *   filter      = [expression]
 *   expression  = sequence {"AND" sequence}
 *   sequence    = factor {factor}                 (juxtaposition is an implicit AND)
 *   factor      = term {"OR" term}                (so OR binds tighter than AND)
 *   term        = ["NOT" | "-"] simple
 *   simple      = restriction | "(" expression ")"
 *   restriction = member comparator arg           (comparator: = != < <= > >= :)
 *   member      = TEXT {"." (TEXT | STRING)}      (no whitespace around ".")
 *   arg         = value | "(" value-expression ")"  e.g. state = (RUNNING OR PENDING)
 *   value       = (TEXT | STRING) {"." (TEXT | STRING)}
 * STRING is '"..."' or "'...'" with the escapes \" \' \\; TEXT is a run of characters other
 * than whitespace and ( ) " ' . = ! < > : , and a leading "-" followed by a non-digit is the
 * negation operator. A value containing ':' (a timestamp) must be quoted.
 *
 * Semantics:
 * - Fields are named in snake_case or camelCase; nested with '.'; `map.key` selects a map entry.
 * - Strings: `=`, `!=` and `:` compare whole values; a `*` is a wildcard matching any run of
 *   characters (`name = "*-spot-*"`); AIP-160 has no escape for it (a `*` also matches itself).
 *   `< <= > >=` compare by UTF-16 code unit.
 * - Numbers, timestamps (RFC 3339) and booleans compare by value; enums (`state = RUNNING`)
 *   accept only = != : and a value of the enum.
 * - `:` is "has": `map:key` (key present), `repeated:value` (an element equals value),
 *   `field:*` (the field is set: present and not empty); on a scalar it is `=`.
 * - A field that is not set makes every restriction on it false except `!=`, which is true
 *   (`a != x` is `NOT a = x`).
 * Every error is an `Aip160FilterError` (an `InvalidArgumentError`) naming the problem and its
 * 0-based offset in the filter.
 */
import { InvalidArgumentError } from './invalid-argument.js';
import {
  readField,
  resolveFieldPath,
  type MessageFields,
  type ResolvedField,
  type ScalarField,
} from './fields.js';

/** A filter that cannot be parsed or does not fit the resource; `offset` is 0-based. */
export class Aip160FilterError extends InvalidArgumentError {
  constructor(
    detail: string,
    readonly offset: number,
  ) {
    super(`invalid filter: ${detail} (at offset ${offset})`);
  }
}

/** A comparison operator. */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

/** A literal value; `wildcards` are the offsets in `text` of `*` characters that match any run. */
export interface Aip160Value {
  text: string;
  wildcards: number[];
  quoted: boolean;
  offset: number;
}

/** One segment of a member path. */
export interface Aip160Segment {
  text: string;
  quoted: boolean;
  offset: number;
}

/** A boolean tree over leaves of type `Leaf`. */
export type Aip160Tree<Leaf> =
  | { type: 'and' | 'or'; left: Aip160Tree<Leaf>; right: Aip160Tree<Leaf> }
  | { type: 'not'; operand: Aip160Tree<Leaf> }
  | Leaf;

/** A restriction: `member comparator arg`. */
export interface Aip160Restriction {
  type: 'restriction';
  member: Aip160Segment[];
  comparator: Comparator;
  arg: Aip160Tree<{ type: 'value'; value: Aip160Value }>;
  offset: number;
}

/** The AST of a filter; `undefined` for an empty filter. */
export type Aip160Expression = Aip160Tree<Aip160Restriction>;

type TokenType =
  'text' | 'string' | 'lparen' | 'rparen' | 'dot' | 'minus' | 'comparator' | 'and' | 'or' | 'not' | 'eof';

interface Token {
  type: TokenType;
  text: string;
  offset: number;
  spaceBefore: boolean;
  wildcards: number[];
}

const SPECIAL = new Set(['(', ')', '"', "'", '.', '=', '!', '<', '>', ':', ',']);
const ESCAPABLE = new Set(['"', "'", '\\']);

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Splits a filter into tokens; throws `Aip160FilterError` on a character that starts none. */
function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaceBefore = false;
  const push = (type: TokenType, text: string, offset: number, wildcards: number[] = []) => {
    tokens.push({ type, text, offset, spaceBefore, wildcards });
    spaceBefore = false;
  };
  while (i < filter.length) {
    const c = filter[i] as string;
    const next = filter[i + 1];
    if (isSpace(c)) {
      spaceBefore = true;
      i++;
    } else if (c === '(' || c === ')') {
      push(c === '(' ? 'lparen' : 'rparen', c, i++);
    } else if (c === '.') {
      push('dot', c, i++);
    } else if (c === '"' || c === "'") {
      const start = i++;
      let text = '';
      const wildcards: number[] = [];
      for (;;) {
        if (i >= filter.length) throw new Aip160FilterError(`unterminated string starting with ${c}`, start);
        const ch = filter[i] as string;
        if (ch === c) break;
        if (ch === '\\') {
          const escaped = filter[i + 1];
          if (escaped === undefined || !ESCAPABLE.has(escaped)) {
            throw new Aip160FilterError(
              `unsupported escape "\\${escaped ?? ''}" in a string; expected one of \\" \\' \\\\`,
              i,
            );
          }
          text += escaped;
          i += 2;
          continue;
        }
        if (ch === '*') wildcards.push(text.length);
        text += ch;
        i++;
      }
      i++;
      push('string', text, start, wildcards);
    } else if (c === '=' || c === ':') {
      push('comparator', c, i++);
    } else if (c === '<' || c === '>') {
      const op = next === '=' ? `${c}=` : c;
      push('comparator', op, i);
      i += op.length;
    } else if (c === '!') {
      if (next !== '=') throw new Aip160FilterError(`unexpected "!"; use "!=" or NOT`, i);
      push('comparator', '!=', i);
      i += 2;
    } else if (c === ',') {
      throw new Aip160FilterError(
        `unexpected ","; functions are not supported, quote values containing ","`,
        i,
      );
    } else if (c === '-' && next !== undefined && !isSpace(next) && !/[0-9]/.test(next)) {
      push('minus', c, i++);
    } else {
      const start = i;
      while (i < filter.length && !isSpace(filter[i] as string) && !SPECIAL.has(filter[i] as string)) i++;
      const text = filter.slice(start, i);
      const keyword = text === 'AND' ? 'and' : text === 'OR' ? 'or' : text === 'NOT' ? 'not' : undefined;
      const wildcards = [...text].flatMap((ch, k) => (ch === '*' ? [k] : []));
      push(keyword ?? 'text', text, start, keyword ? [] : wildcards);
    }
  }
  push('eof', '', filter.length);
  return tokens;
}

const TOKEN_NAMES: Record<TokenType, string> = {
  text: 'text',
  string: 'a string',
  lparen: '"("',
  rparen: '")"',
  dot: '"."',
  minus: '"-"',
  comparator: 'a comparator',
  and: 'AND',
  or: 'OR',
  not: 'NOT',
  eof: 'the end of the filter',
};

function describe(token: Token): string {
  if (token.type === 'eof') return TOKEN_NAMES.eof;
  if (token.type === 'string') return `string "${token.text}"`;
  return `"${token.text}"`;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Aip160Expression | undefined {
    if (this.peek().type === 'eof') return undefined;
    const expression = this.expression(() => this.restriction());
    const rest = this.peek();
    if (rest.type !== 'eof') {
      const hint =
        rest.type === 'comparator'
          ? '; quote values that contain ":" or other operators (e.g. timestamps)'
          : rest.type === 'rparen'
            ? '; parentheses are unbalanced'
            : '';
      throw new Aip160FilterError(`unexpected ${describe(rest)}${hint}`, rest.offset);
    }
    return expression;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.position++;
    return token;
  }

  private expression<Leaf>(leaf: () => Leaf): Aip160Tree<Leaf> {
    let left = this.sequence(leaf);
    while (this.peek().type === 'and') {
      this.next();
      left = { type: 'and', left, right: this.sequence(leaf) };
    }
    return left;
  }

  private sequence<Leaf>(leaf: () => Leaf): Aip160Tree<Leaf> {
    let left = this.factor(leaf);
    while (['text', 'string', 'lparen', 'not', 'minus'].includes(this.peek().type)) {
      left = { type: 'and', left, right: this.factor(leaf) };
    }
    return left;
  }

  private factor<Leaf>(leaf: () => Leaf): Aip160Tree<Leaf> {
    let left = this.term(leaf);
    while (this.peek().type === 'or') {
      this.next();
      left = { type: 'or', left, right: this.term(leaf) };
    }
    return left;
  }

  private term<Leaf>(leaf: () => Leaf): Aip160Tree<Leaf> {
    const token = this.peek();
    if (token.type === 'not' || token.type === 'minus') {
      this.next();
      return { type: 'not', operand: this.simple(leaf) };
    }
    return this.simple(leaf);
  }

  private simple<Leaf>(leaf: () => Leaf): Aip160Tree<Leaf> {
    const token = this.peek();
    if (token.type !== 'lparen') return leaf();
    this.next();
    const inner = this.expression(leaf);
    const close = this.next();
    if (close.type !== 'rparen') {
      throw new Aip160FilterError(
        `expected ")" to close the "(" at offset ${token.offset}, got ${describe(close)}`,
        close.offset,
      );
    }
    return inner;
  }

  private restriction(): Aip160Restriction {
    const first = this.peek();
    if (first.type !== 'text') {
      const detail =
        first.type === 'string'
          ? `a field name cannot be quoted, got ${describe(first)}`
          : `expected a field name, got ${describe(first)}`;
      throw new Aip160FilterError(detail, first.offset);
    }
    const member = this.path().map(({ text, quoted, offset }) => ({ text, quoted, offset }));
    const comparator = this.next();
    if (comparator.type !== 'comparator') {
      throw new Aip160FilterError(
        `expected a comparator (= != < <= > >= :) after "${member.map((s) => s.text).join('.')}", got ${describe(comparator)}; bare values (global restrictions) are not supported`,
        comparator.offset,
      );
    }
    const arg =
      this.peek().type === 'lparen'
        ? this.simple(() => ({ type: 'value' as const, value: this.value(comparator) }))
        : { type: 'value' as const, value: this.value(comparator) };
    return {
      type: 'restriction',
      member,
      comparator: comparator.text as Comparator,
      arg,
      offset: first.offset,
    };
  }

  private value(after: Token): Aip160Value {
    const first = this.peek();
    if (first.type !== 'text' && first.type !== 'string') {
      throw new Aip160FilterError(
        `expected a value after "${after.text}", got ${describe(first)}`,
        first.offset,
      );
    }
    const segments = this.path();
    let text = '';
    const wildcards: number[] = [];
    segments.forEach((segment, index) => {
      if (index > 0) text += '.';
      wildcards.push(...segment.wildcards.map((w) => w + text.length));
      text += segment.text;
    });
    return { text, wildcards, quoted: segments.some((s) => s.quoted), offset: first.offset };
  }

  /** Reads `(TEXT|STRING) {"." (TEXT|STRING)}` with no whitespace around the dots. */
  private path(): (Aip160Segment & { wildcards: number[] })[] {
    const take = (token: Token) => ({
      text: token.text,
      quoted: token.type === 'string',
      offset: token.offset,
      wildcards: token.wildcards,
    });
    const segments = [take(this.next())];
    while (this.peek().type === 'dot' && !this.peek().spaceBefore) {
      const dot = this.next();
      const segment = this.peek();
      if ((segment.type !== 'text' && segment.type !== 'string') || segment.spaceBefore) {
        throw new Aip160FilterError(`expected a name right after ".", got ${describe(segment)}`, dot.offset);
      }
      segments.push(take(this.next()));
    }
    return segments;
  }
}

/** Parses an AIP-160 filter to its AST (`undefined` when the filter is empty or blank). */
export function parseAip160Filter(filter: string): Aip160Expression | undefined {
  return new Parser(tokenize(filter)).parse();
}

/** A compiled filter: true when a record satisfies it. */
export type Aip160Predicate = (record: unknown) => boolean;

/**
 * Compiles a filter against a resource's field catalog. Throws `Aip160FilterError` for a syntax
 * error, an unknown field, an operator the field's kind does not support, or a value that does
 * not fit the field (a non-number for an int, an unknown enum value, a malformed timestamp).
 */
export function compileAip160Filter(filter: string, fields: MessageFields): Aip160Predicate {
  const ast = parseAip160Filter(filter);
  if (ast === undefined) return () => true;
  return compileTree(ast, (restriction) => compileRestriction(restriction, fields));
}

function compileTree<Leaf extends { type: string }>(
  tree: Aip160Tree<Leaf>,
  compileLeaf: (leaf: Leaf) => Aip160Predicate,
): Aip160Predicate {
  const node = tree as Aip160Tree<Leaf> & { type: string };
  if (node.type === 'and' || node.type === 'or') {
    const branch = node as { type: 'and' | 'or'; left: Aip160Tree<Leaf>; right: Aip160Tree<Leaf> };
    const left = compileTree(branch.left, compileLeaf);
    const right = compileTree(branch.right, compileLeaf);
    return branch.type === 'and' ? (r) => left(r) && right(r) : (r) => left(r) || right(r);
  }
  if (node.type === 'not') {
    const operand = compileTree((node as { operand: Aip160Tree<Leaf> }).operand, compileLeaf);
    return (r) => !operand(r);
  }
  return compileLeaf(node as Leaf);
}

function compileRestriction(restriction: Aip160Restriction, fields: MessageFields): Aip160Predicate {
  let field: ResolvedField;
  try {
    field = resolveFieldPath(
      restriction.member.map((s) => s.text),
      fields,
      'filter',
    );
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new Aip160FilterError(error.message.replace(/^filter: /, ''), restriction.offset);
    }
    throw error;
  }
  if (restriction.member.slice(0, field.wirePath.length).some((s) => s.quoted)) {
    throw new Aip160FilterError(`field names cannot be quoted, got "${field.path}"`, restriction.offset);
  }
  return compileTree(restriction.arg, ({ value }) => compileComparison(field, restriction.comparator, value));
}

function isPresenceWildcard(value: Aip160Value): boolean {
  return value.text === '*' && value.wildcards.length === 1;
}

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  // A message counts as set even when all its fields are defaults; lists and maps when not empty.
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function compileComparison(
  field: ResolvedField,
  comparator: Comparator,
  value: Aip160Value,
): Aip160Predicate {
  const kind = field.field;
  if (comparator === ':' && isPresenceWildcard(value)) {
    if (kind.kind === 'map')
      return (r) => Object.keys((readField(r, field) as object | undefined) ?? {}).length > 0;
    return (r) => isSet(readField(r, field));
  }
  switch (kind.kind) {
    case 'map': {
      if (comparator !== ':') {
        throw new Aip160FilterError(
          `"${field.path}" is a map: use ${field.path}:KEY (has key) or ${field.path}.KEY ${comparator} VALUE, not "${comparator}"`,
          value.offset,
        );
      }
      const matchesKey = stringMatcher(value);
      return (r) => Object.keys((readField(r, field) as object | undefined) ?? {}).some(matchesKey);
    }
    case 'repeated': {
      if (comparator !== ':') {
        throw new Aip160FilterError(
          `"${field.path}" is a repeated field: use ${field.path}:VALUE (has an element), not "${comparator}"`,
          value.offset,
        );
      }
      const matchesItem = scalarTest(field, kind.item, '=', value);
      return (r) => {
        const items = readField(r, field);
        return Array.isArray(items) && items.some((item) => matchesItem(item));
      };
    }
    case 'message':
      throw new Aip160FilterError(
        `"${field.path}" is a message: test its presence with ${field.path}:* or compare one of its fields`,
        value.offset,
      );
    default: {
      const test = scalarTest(field, kind, comparator === ':' ? '=' : comparator, value);
      return (r) => {
        const actual = readField(r, field);
        if (actual === undefined) return comparator === '!=';
        return test(actual);
      };
    }
  }
}

/** Returns a test of one present value of a scalar kind against `value`. */
function scalarTest(
  field: ResolvedField,
  kind: ScalarField,
  comparator: Exclude<Comparator, ':'>,
  value: Aip160Value,
): (actual: unknown) => boolean {
  const onlyEquality = (what: string) => {
    if (comparator !== '=' && comparator !== '!=') {
      throw new Aip160FilterError(
        `"${field.path}" is ${what}: only = != : apply, got "${comparator}"`,
        value.offset,
      );
    }
  };
  const noWildcards = (what: string) => {
    if (value.wildcards.length > 0) {
      throw new Aip160FilterError(
        `"${field.path}" is ${what}: "*" wildcards apply only to strings`,
        value.offset,
      );
    }
  };
  switch (kind.kind) {
    case 'string': {
      if (value.wildcards.length > 0 || comparator === '=' || comparator === '!=') {
        onlyEquality('compared with a "*" wildcard');
        const matches = stringMatcher(value);
        return (actual) => matches(String(actual)) === (comparator === '=');
      }
      return (actual) => ordered(compareStrings(String(actual), value.text), comparator);
    }
    case 'int': {
      noWildcards('a number');
      if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.text)) {
        throw new Aip160FilterError(`"${field.path}" is a number, got "${value.text}"`, value.offset);
      }
      const expected = Number(value.text);
      return (actual) => ordered(Math.sign(Number(actual) - expected), comparator);
    }
    case 'bool': {
      noWildcards('a boolean');
      onlyEquality('a boolean');
      if (value.text !== 'true' && value.text !== 'false') {
        throw new Aip160FilterError(
          `"${field.path}" is a boolean: expected true or false, got "${value.text}"`,
          value.offset,
        );
      }
      const expected = value.text === 'true';
      return (actual) => (actual === expected) === (comparator === '=');
    }
    case 'enum': {
      noWildcards('an enum');
      onlyEquality('an enum');
      if (!kind.values.includes(value.text)) {
        throw new Aip160FilterError(
          `"${value.text}" is not a value of "${field.path}"; expected one of: ${kind.values.join(', ')}`,
          value.offset,
        );
      }
      return (actual) => (actual === value.text) === (comparator === '=');
    }
    case 'timestamp': {
      noWildcards('a timestamp');
      const expected = parseRfc3339(value.text);
      if (expected === undefined) {
        throw new Aip160FilterError(
          `"${field.path}" is a timestamp: expected RFC 3339 such as "2026-01-02T00:00:00Z", got "${value.text}"`,
          value.offset,
        );
      }
      return (actual) => ordered(Math.sign(Date.parse(String(actual)) - expected), comparator);
    }
  }
}

function ordered(sign: number, comparator: Exclude<Comparator, ':'>): boolean {
  switch (comparator) {
    case '=':
      return sign === 0;
    case '!=':
      return sign !== 0;
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
  }
}

/** Compares by UTF-16 code unit, as the wire strings are compared everywhere in the simulator. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns whole-value equality with `value`, its unescaped `*` matching any run of characters. */
function stringMatcher(value: Aip160Value): (actual: string) => boolean {
  if (value.wildcards.length === 0) return (actual) => actual === value.text;
  const pieces: string[] = [];
  let from = 0;
  for (const at of value.wildcards) {
    pieces.push(value.text.slice(from, at));
    from = at + 1;
  }
  pieces.push(value.text.slice(from));
  const pattern = new RegExp(
    `^${pieces.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`,
  );
  return (actual) => pattern.test(actual);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Given an RFC 3339 timestamp, returns its epoch milliseconds (undefined when malformed). */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(2, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}
