/**
 * `readMask` (AIP-157 partial responses): a comma-separated list of field paths, snake_case or
 * camelCase, nested with '.' (e.g. "name,state,eks_node_pool.instance_type"). Only the named
 * fields come back; a message named whole comes back whole. Blank or "*" selects everything. A
 * path into a map entry, or past a field that has no subfields, is INVALID_ARGUMENT.
 */
import { resolveFieldPath, type MessageFields } from './fields.js';
import { InvalidArgumentError } from './invalid-argument.js';

/** Selected fields: `true` takes the whole field, a nested mask takes part of a message. */
interface MaskTree {
  [wireName: string]: MaskTree | true;
}

/** Returns a copy of a record holding only the masked fields. */
export type ReadMask = <T extends object>(record: T) => T;

/** Parses a readMask against a catalog; throws `InvalidArgumentError` on a bad path. */
export function compileReadMask(readMask: string, fields: MessageFields): ReadMask {
  const paths = readMask.split(',').map((p) => p.trim());
  if (paths.every((p) => p === '') || paths.includes('*')) return (record) => record;
  const tree: MaskTree = {};
  for (const path of paths) {
    if (path === '') throw new InvalidArgumentError(`read_mask: empty field path in "${readMask}"`);
    const field = resolveFieldPath(path.split('.'), fields, 'read_mask');
    if (field.mapKey !== undefined) {
      throw new InvalidArgumentError(`read_mask: "${path}" selects a map entry; name the whole map field`);
    }
    let node = tree;
    for (const [index, name] of field.wirePath.entries()) {
      if (index === field.wirePath.length - 1) {
        node[name] = true;
        break;
      }
      const child = node[name];
      if (child === true) break; // the whole message is already selected
      node = node[name] = child ?? {};
    }
  }
  return (record) => pick(record, tree) as typeof record;
}

function pick(source: object, tree: MaskTree): object {
  const out: Record<string, unknown> = {};
  for (const [name, selection] of Object.entries(tree)) {
    const value = (source as Record<string, unknown>)[name];
    if (value === undefined) continue;
    out[name] = selection === true ? value : pick(value as object, selection);
  }
  return out;
}
