/**
 * AIP-132 `order_by`: a comma-separated list of field paths, each optionally followed by ` asc`
 * or ` desc` (e.g. "state, create_time desc"). Only single-valued fields sort (strings by UTF-16
 * code unit, numbers, booleans false first, timestamps by instant, enums by their proto number);
 * a field that is not set sorts before every set value. Every order ends with `name` ascending,
 * the unique key, so equal keys never reorder between pages.
 */
import { compareStrings, parseRfc3339 } from './aip160.js';
import { readField, resolveFieldPath, type MessageFields, type ResolvedField } from './fields.js';
import { InvalidArgumentError } from './invalid-argument.js';

/** One key of an order. */
export interface OrderKey {
  field: ResolvedField;
  descending: boolean;
}

const NAME_KEY_PATH = ['name'];

/**
 * Parses `orderBy` (blank → `defaultOrderBy`) against a catalog; throws `InvalidArgumentError`
 * on an empty item, an unknown field, a field that holds no single value, or a bad direction.
 */
export function parseOrderBy(orderBy: string, fields: MessageFields, defaultOrderBy: string): OrderKey[] {
  const source = orderBy.trim() === '' ? defaultOrderBy : orderBy;
  const keys = source.split(',').map((item): OrderKey => {
    const words = item.trim().split(/\s+/);
    const [path = '', direction, ...rest] = words;
    if (path === '' || rest.length > 0) {
      throw new InvalidArgumentError(
        `order_by: expected "field" or "field desc" separated by commas, got "${item.trim()}" in "${source}"`,
      );
    }
    if (direction !== undefined && !/^(asc|desc)$/i.test(direction)) {
      throw new InvalidArgumentError(
        `order_by: expected "asc" or "desc" after "${path}", got "${direction}"`,
      );
    }
    const field = resolveFieldPath(path.split('.'), fields, 'order_by');
    if (field.mapKey !== undefined) {
      throw new InvalidArgumentError(`order_by: "${path}" is an entry of a map and cannot be ordered by`);
    }
    if (field.field.kind === 'map' || field.field.kind === 'repeated' || field.field.kind === 'message') {
      throw new InvalidArgumentError(
        `order_by: "${path}" is a ${field.field.kind === 'repeated' ? 'repeated field' : field.field.kind} and cannot be ordered by; name a single-valued field`,
      );
    }
    return { field, descending: direction?.toLowerCase() === 'desc' };
  });
  if (!keys.some((k) => k.field.mapKey === undefined && k.field.wirePath.join('.') === 'name')) {
    keys.push({ field: resolveFieldPath(NAME_KEY_PATH, fields, 'order_by'), descending: false });
  }
  return keys;
}

/** Returns a comparator of records for the keys of `parseOrderBy`. */
export function compareByOrder(keys: readonly OrderKey[]): (a: unknown, b: unknown) => number {
  const compareKey = keys.map((key) => {
    const compareValues = valueComparator(key.field);
    const direction = key.descending ? -1 : 1;
    return (a: unknown, b: unknown) => {
      const x = readField(a, key.field);
      const y = readField(b, key.field);
      if (x === undefined || y === undefined) {
        return direction * (x === undefined ? (y === undefined ? 0 : -1) : 1);
      }
      return direction * compareValues(x, y);
    };
  });
  return (a, b) => {
    for (const compare of compareKey) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return 0;
  };
}

function valueComparator(field: ResolvedField): (x: unknown, y: unknown) => number {
  const kind = field.field;
  switch (kind.kind) {
    case 'int':
      return (x, y) => Math.sign(Number(x) - Number(y));
    case 'bool':
      return (x, y) => Number(x === true) - Number(y === true);
    case 'timestamp':
      return (x, y) => Math.sign((parseRfc3339(String(x)) ?? 0) - (parseRfc3339(String(y)) ?? 0));
    case 'enum':
      return (x, y) => Math.sign(kind.values.indexOf(String(x)) - kind.values.indexOf(String(y)));
    default:
      return (x, y) => compareStrings(String(x), String(y));
  }
}
