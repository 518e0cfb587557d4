/**
 * The DateTime scalar as a table: vendor text → the one output format (truncated, never rounded),
 * argument text → the UTC form sent upstream (precision kept), and each time condition → the
 * comparisons sent, with an input of millisecond precision read as its whole millisecond.
 */
import { describe, expect, it } from 'vitest';
import { GraphQLError, Kind } from 'graphql';
import {
  DateTime,
  endOfMillisecond,
  formatDateTime,
  isAfter,
  timeComparisons,
} from '../../src/graphql/date-time.js';

describe('output: formatDateTime / serialize', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000Z'],
    ['2026-01-02T03:04:05.1Z', '2026-01-02T03:04:05.100Z'],
    ['2026-01-02T03:04:05.123Z', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02T03:04:05.123999999Z', '2026-01-02T03:04:05.123Z'],
    ['2026-01-02T03:04:05.999999Z', '2026-01-02T03:04:05.999Z'],
    ['2026-01-02T05:04:05+02:00', '2026-01-02T03:04:05.000Z'],
    ['2026-01-01T22:34:05.5-04:30', '2026-01-02T03:04:05.500Z'],
    ['2026-01-02t03:04:05z', '2026-01-02T03:04:05.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2026-01-02T03:04:05.1234567891Z', '2026-01-02T03:04:05.123Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999999999Z', '9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59+01:00', '9999-12-31T22:59:59.000Z'],
  ])('%s → %s', (vendor, graph) => {
    expect(formatDateTime(vendor)).toBe(graph);
    expect(DateTime.serialize(vendor)).toBe(graph);
  });

  it.each([
    ['yesterday'],
    [''],
    ['2026-02-30T00:00:00Z'],
    ['2025-02-29T00:00:00Z'],
    ['2026-01-02T24:00:00Z'],
    ['2026-01-02T03:04:05'],
    ['2026-01-02 03:04:05Z'],
    ['2026-01-02T03:04:05+25:00'],
    ['2016-12-31T23:59:60Z'],
    ['9999-12-31T23:59:59-01:00'],
    ['0000-01-01T00:00:00+01:00'],
  ])('%j is not an instant: undefined, and serialize throws UPSTREAM_ERROR', (vendor) => {
    expect(formatDateTime(vendor)).toBeUndefined();
    expect(() => DateTime.serialize(vendor)).toThrow(GraphQLError);
    try {
      DateTime.serialize(vendor);
    } catch (error) {
      expect((error as GraphQLError).extensions).toEqual({ code: 'UPSTREAM_ERROR' });
    }
  });

  it('writes a Date as the same format and refuses other values', () => {
    expect(DateTime.serialize(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
    expect(() => DateTime.serialize(new Date(Date.parse('+010000-01-01T00:00:00Z')))).toThrow(GraphQLError);
    expect(() => DateTime.serialize(new Date(Date.parse('-000001-12-31T23:59:59.999Z')))).toThrow(
      GraphQLError,
    );
    expect(() => DateTime.serialize(1767323045000)).toThrow(GraphQLError);
    expect(() => DateTime.serialize(new Date(Number.NaN))).toThrow(GraphQLError);
  });
});

describe('input: parseValue / parseLiteral', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T03:04:05.120Z', '2026-01-02T03:04:05.12Z'],
    ['2026-01-02T05:04:05.123456789+02:00', '2026-01-02T03:04:05.123456789Z'],
    ['2026-01-01T23:59:59.5-03:00', '2026-01-02T02:59:59.5Z'],
    ['2026-01-02T03:04:05.1234567891234Z', '2026-01-02T03:04:05.123456789Z'],
    ['0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    ['0001-01-01T00:30:00+01:00', '0000-12-31T23:30:00Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00Z'],
    ['9999-12-31T23:59:59.999999999Z', '9999-12-31T23:59:59.999999999Z'],
    ['9999-12-31T23:59:59+01:00', '9999-12-31T22:59:59Z'],
  ])('%s is sent as %s', (input, sent) => {
    expect(DateTime.parseValue(input)).toBe(sent);
    expect(DateTime.parseLiteral({ kind: Kind.STRING, value: input })).toBe(sent);
  });

  it.each([['2026-01-02'], ['2026-01-02T03:04:05'], ['2026-02-30T00:00:00Z'], [42], [null]])(
    '%j is refused with BAD_USER_INPUT',
    (input) => {
      expect(() => DateTime.parseValue(input)).toThrow(
        `DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05.000Z", got ${JSON.stringify(input)}.`,
      );
    },
  );

  it('refuses a literal that is not a string as a variable holding the same value', () => {
    expect(() => DateTime.parseLiteral({ kind: Kind.INT, value: '5' })).toThrow(
      'DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05.000Z", got 5.',
    );
    expect(() => DateTime.parseValue(5)).toThrow(
      'DateTime must be an RFC 3339 timestamp such as "2026-01-02T03:04:05.000Z", got 5.',
    );
  });

  it.each([
    [
      '2016-12-31T23:59:60Z',
      'DateTime "2016-12-31T23:59:60Z" is a leap second (seconds 60), which neither vendor represents; ' +
        'give the instant as second 59 or the next minute.',
    ],
    [
      '9999-12-31T23:59:59-01:00',
      'DateTime "9999-12-31T23:59:59-01:00" falls outside the years 0000–9999 in UTC, which neither vendor ' +
        'accepts; give an instant from "0000-01-01T00:00:00Z" to "9999-12-31T23:59:59.999999999Z".',
    ],
    [
      '0000-01-01T00:00:00+01:00',
      'DateTime "0000-01-01T00:00:00+01:00" falls outside the years 0000–9999 in UTC, which neither vendor ' +
        'accepts; give an instant from "0000-01-01T00:00:00Z" to "9999-12-31T23:59:59.999999999Z".',
    ],
  ])('%s is refused with BAD_USER_INPUT saying why', (input, message) => {
    for (const parse of [
      () => DateTime.parseValue(input),
      () => DateTime.parseLiteral({ kind: Kind.STRING, value: input }),
    ]) {
      expect(parse).toThrow(message);
      try {
        parse();
      } catch (error) {
        expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT' });
      }
    }
  });
});

describe('conditions: timeComparisons', () => {
  it.each([
    ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.000999999Z'],
    ['2026-01-02T03:04:05.1Z', '2026-01-02T03:04:05.100999999Z'],
    ['2026-01-02T03:04:05.123Z', '2026-01-02T03:04:05.123999999Z'],
    ['2026-01-02T03:04:05.1234Z', '2026-01-02T03:04:05.1234Z'],
  ])('the millisecond of %s ends at %s', (value, end) => {
    expect(endOfMillisecond(value)).toBe(end);
  });

  it('reads a millisecond-precision value as its whole millisecond', () => {
    const t = '2026-01-02T03:04:05.123Z';
    const end = '2026-01-02T03:04:05.123999999Z';
    expect(timeComparisons('atOrAfter', t)).toEqual([{ op: 'atOrAfter', value: t }]);
    expect(timeComparisons('atOrBefore', t)).toEqual([{ op: 'atOrBefore', value: end }]);
    expect(timeComparisons('equals', t)).toEqual([
      { op: 'atOrAfter', value: t },
      { op: 'atOrBefore', value: end },
    ]);
    expect(timeComparisons('notEquals', t)).toEqual([{ op: 'notEquals', value: t }]);
  });

  it('compares a value with finer digits exactly', () => {
    const t = '2026-01-02T03:04:05.123456Z';
    expect(timeComparisons('equals', t)).toEqual([{ op: 'equals', value: t }]);
    expect(timeComparisons('atOrBefore', t)).toEqual([{ op: 'atOrBefore', value: t }]);
  });
});

describe('order: isAfter', () => {
  it.each([
    ['2026-01-01T00:00:00.0009Z', '2026-01-01T00:00:00.0001Z', true],
    ['2026-01-01T00:00:00.0001Z', '2026-01-01T00:00:00.0009Z', false],
    ['2026-01-01T00:00:00.000000002Z', '2026-01-01T00:00:00.000000001Z', true],
    ['2026-01-01T00:00:00.1Z', '2026-01-01T00:00:00.099999999Z', true],
    ['2026-01-01T00:00:01Z', '2026-01-01T00:00:00.999999999Z', true],
    ['2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.5Z', false],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000000001Z', false],
  ])('%s after %s: %s', (a, b, after) => {
    expect(isAfter(a, b)).toBe(after);
  });
});
