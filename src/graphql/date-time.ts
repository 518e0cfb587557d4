/**
 * The DateTime scalar: one output format for every instant the graph returns, whatever the vendor
 * sent (`2026-01-02T03:04:05.000Z`: RFC 3339, UTC, exactly three fraction digits), and inputs
 * accepted in any RFC 3339 form with an offset, normalised to UTC before they reach a filter; an
 * instant outside the years 0000–9999 in UTC or on a leap second is neither read nor written.
 *
 * Contract: outputs are truncated to the millisecond, never rounded, so an output is never later
 * than the vendor's instant and a `>=` bound built from it still selects the object. An input of
 * at most millisecond precision therefore stands for its whole millisecond: the filter compilers
 * widen an inclusive upper bound to the millisecond's last nanosecond (`endOfMillisecond`), so a
 * `<=` bound built from an output selects it too when the vendor keeps finer digits.
 */
import { GraphQLError, GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { ErrorCode } from '../errors.js';

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

// Both vendors write and read four-digit years only: an instant whose UTC year falls outside
// 0000–9999 has no form they accept (JavaScript would write it `+010000-…` or `-000001-…`).
const EARLIEST = Date.parse('0000-01-01T00:00:00Z');
const AFTER_LATEST = Date.parse('+010000-01-01T00:00:00Z');

/** An RFC 3339 text split into its whole-second instant (epoch ms) and its fraction digits. */
interface ParsedInstant {
  wholeSeconds: number;
  /** At most nine digits: finer ones are truncated, as outputs truncate to the millisecond. */
  fraction: string;
}

/** Why a text is not an instant the graph can carry. */
type Refusal = 'not RFC 3339' | 'leap second' | 'out of range';

function parseInstant(text: string): ParsedInstant | Refusal {
  const m = RFC3339.exec(text);
  if (!m) return 'not RFC 3339';
  const [, date, hoursMinutes, seconds, fraction = '', offset = 'Z'] = m;
  if (seconds === '60') return 'leap second';
  const wallClock = `${date}T${hoursMinutes}:${seconds}`;
  const wholeSeconds = Date.parse(`${wallClock}${offset.toUpperCase()}`);
  // Date.parse accepts 2026-02-30 by rolling over; the round trip of the date and time refuses it.
  if (Number.isNaN(wholeSeconds) || !sameWallClock(wholeSeconds, wallClock, offset)) return 'not RFC 3339';
  if (wholeSeconds < EARLIEST || wholeSeconds >= AFTER_LATEST) return 'out of range';
  return { wholeSeconds, fraction: fraction.slice(0, 9) };
}

function sameWallClock(epochMs: number, wallClock: string, offset: string): boolean {
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = /^[Zz]$/.test(offset)
    ? 0
    : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  // The wall clock's own year is 0000–9999 (four digits), so it is compared in that form.
  const local = new Date(epochMs + minutes * 60_000);
  const year = String(local.getUTCFullYear()).padStart(4, '0');
  return `${year}${local.toISOString().slice(-20, -5)}` === wallClock;
}

/**
 * Given two normalised DateTime inputs, returns whether the first is later than the second, at
 * full (nanosecond) precision.
 */
export function isAfter(a: string, b: string): boolean {
  const [wholeA, nanosA] = splitNanos(a);
  const [wholeB, nanosB] = splitNanos(b);
  return wholeA !== wholeB ? wholeA > wholeB : nanosA > nanosB;
}

function splitNanos(value: string): [number, number] {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(value);
  return [Date.parse(`${m?.[1] ?? value}Z`), Number((m?.[2] ?? '').padEnd(9, '0'))];
}

/**
 * Given a vendor's RFC 3339 text, returns it as the graph writes every instant
 * (`2026-01-02T03:04:05.123Z`, sub-millisecond digits truncated); undefined when it is not RFC 3339.
 */
export function formatDateTime(text: string): string | undefined {
  const instant = parseInstant(text);
  if (typeof instant === 'string') return undefined;
  const millis = Number(instant.fraction.padEnd(3, '0').slice(0, 3));
  return new Date(instant.wholeSeconds + millis).toISOString();
}

/**
 * Given a normalised DateTime input, returns the last nanosecond of the millisecond it names when
 * it has at most millisecond precision (`…05Z` → `…05.000999999Z`), else the input itself.
 */
export function endOfMillisecond(value: string): string {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?Z$/.exec(value);
  if (!m) return value;
  return `${m[1]}.${(m[2] ?? '').padEnd(3, '0')}999999Z`;
}

/** A comparison of a time field against an instant: `=`, `!=`, `>=` or `<=`. */
export type TimeComparison = { op: 'equals' | 'notEquals' | 'atOrAfter' | 'atOrBefore'; value: string };

/**
 * Given a time condition and its normalised value, returns the comparisons that express it with
 * the input's millisecond read whole: `atOrBefore` up to the millisecond's end, `equals` as the
 * range of that millisecond. `notEquals` stays one exact comparison: excluding a whole millisecond
 * needs an OR, which Run:ai cannot send.
 */
export function timeComparisons(condition: TimeComparison['op'], value: string): TimeComparison[] {
  const end = endOfMillisecond(value);
  switch (condition) {
    case 'atOrAfter':
    case 'notEquals':
      return [{ op: condition, value }];
    case 'atOrBefore':
      return [{ op: 'atOrBefore', value: end }];
    case 'equals':
      return end === value
        ? [{ op: 'equals', value }]
        : [
            { op: 'atOrAfter', value },
            { op: 'atOrBefore', value: end },
          ];
  }
}

const EXAMPLE = '"2026-01-02T03:04:05.000Z"';

/** What each refusal of an argument says, given the value as the caller wrote it (JSON). */
const REFUSALS: Record<Refusal, (got: string) => string> = {
  'not RFC 3339': (got) => `DateTime must be an RFC 3339 timestamp such as ${EXAMPLE}, got ${got}.`,
  'leap second': (got) =>
    `DateTime ${got} is a leap second (seconds 60), which neither vendor represents; ` +
    'give the instant as second 59 or the next minute.',
  'out of range': (got) =>
    `DateTime ${got} falls outside the years 0000–9999 in UTC, which neither vendor accepts; ` +
    'give an instant from "0000-01-01T00:00:00Z" to "9999-12-31T23:59:59.999999999Z".',
};

function parseDateTime(value: unknown, node?: ValueNode): string {
  const instant = typeof value === 'string' ? parseInstant(value) : 'not RFC 3339';
  if (typeof instant === 'string') {
    throw new GraphQLError(REFUSALS[instant](JSON.stringify(value)), {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
      ...(node ? { nodes: node } : {}),
    });
  }
  // The fraction is kept to the nanosecond (an offset is whole minutes, so it never changes it);
  // trailing zeros add nothing and are dropped.
  const fraction = instant.fraction.replace(/0+$/, '');
  return new Date(instant.wholeSeconds).toISOString().replace('.000Z', fraction ? `.${fraction}Z` : 'Z');
}

function unreadableTimestamp(): GraphQLError {
  return new GraphQLError(
    'The vendor sent a timestamp that is not an RFC 3339 instant within the years 0000–9999; this field ' +
      'cannot be answered. The rest of the response is unaffected.',
    { extensions: { code: ErrorCode.UPSTREAM_ERROR } },
  );
}

/** The DateTime scalar: RFC 3339 with milliseconds in UTC out, RFC 3339 with an offset in. */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'An instant in time, as an RFC 3339 string. Every result is written one way: UTC with exactly three ' +
    'fraction digits (`2026-01-02T03:04:05.000Z`), whatever the vendor sent; finer digits are truncated, ' +
    'never rounded, and a vendor value that is not RFC 3339 fails its field with UPSTREAM_ERROR. ' +
    'Arguments accept any RFC 3339 timestamp with an offset and are normalised to UTC ' +
    '(`2026-01-02T05:04:05+02:00` is sent upstream as `2026-01-02T03:04:05Z`), except instants outside ' +
    'the years 0000–9999 in UTC and leap seconds (`:60`), which neither vendor represents; fraction ' +
    'digits past nine are truncated to the nanosecond. One with at most ' +
    'millisecond precision stands for its whole millisecond, so a result fed back as a bound or an ' +
    '`equals` still selects its object.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339',
  serialize: (value) => {
    if (value instanceof Date) {
      const time = value.getTime();
      if (time >= EARLIEST && time < AFTER_LATEST) return value.toISOString();
      throw unreadableTimestamp();
    }
    const formatted = typeof value === 'string' ? formatDateTime(value) : undefined;
    if (formatted === undefined) throw unreadableTimestamp();
    return formatted;
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    // Any literal but a string is refused as a variable holding the same value would be.
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : valueFromASTUntyped(ast), ast);
  },
});
