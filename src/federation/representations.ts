/**
 * Entity representations, as a federation gateway sends them to `_entities`: checked and turned
 * into Node keys before anything runs. The limits plugin costs `_entities` with
 * `parseRepresentations` (so a malformed one refuses the whole operation before any upstream
 * call), and each `__resolveReference` parses its own representation again the same way.
 *
 * Keys: every entity by `id` (its global ID); a type whose vendor names natural keys
 * (`NodeType.naturalKeys`, e.g. `name` for the Fireworks resources) also by those.
 */
import { GraphQLError } from 'graphql';
import { badUserInput } from '../errors.js';
import type { NodeKey } from '../graphql/cost.js';
import { decodeGlobalId } from '../graphql/global-id.js';
import type { NodeType } from '../vendors/contract.js';

/** The entity types, by name: every Node type of the registry (graphql/schema.ts `NODE_TYPES`). */
export type EntityTypes = ReadonlyMap<string, { type: NodeType<unknown> }>;

/**
 * Given one representation, returns the Node key it names, or throws BAD_USER_INPUT saying what is
 * wrong with it. A well-formed reference that names nothing (another account, an unknown id) is
 * not an error here: it resolves to null.
 */
export function parseRepresentation(representation: unknown, entities: EntityTypes): NodeKey {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    throw refused('is not an object', entities);
  }
  const fields = representation as Record<string, unknown>;
  const typename = fields.__typename;
  const entity = typeof typename === 'string' ? entities.get(typename)?.type : undefined;
  if (typeof typename !== 'string' || !entity) {
    throw refused(
      `has __typename ${JSON.stringify(typename)}; expected one of ${[...entities.keys()].join(', ')}`,
      entities,
    );
  }
  let key: string | undefined;
  if (typeof fields.id === 'string') {
    const decoded = decodeGlobalId(fields.id);
    if (decoded.type !== typename)
      throw refused(`is a ${typename} whose id is a ${decoded.type}'s`, entities);
    key = decoded.key;
  } else {
    const natural = entity.naturalKeys?.find((field) => typeof fields[field] === 'string');
    key = natural === undefined ? undefined : (fields[natural] as string);
  }
  if (key === undefined) {
    const keys = ['id', ...(entity.naturalKeys ?? [])].map((k) => `\`${k}\``).join(' or ');
    throw refused(`of a ${typename} has no ${keys} string (its @key fields)`, entities);
  }
  entity.checkKey(key);
  return { type: typename, key };
}

/** Given `_entities`' representations, returns them parsed, or throws on the first malformed one. */
export function parseRepresentations(representations: unknown, entities: EntityTypes): NodeKey[] {
  if (!Array.isArray(representations)) throw refused('list is not a list', entities);
  return representations.map((r, i) => {
    try {
      return parseRepresentation(r, entities);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw badUserInput(`representations[${i}]: ${error.message}`, { argument: 'representations' });
    }
  });
}

function refused(what: string, entities: EntityTypes) {
  const byKeys = new Map<string, string[]>();
  for (const [name, { type }] of entities) {
    if (!type.naturalKeys?.length) continue;
    const shape = `{ __typename, ${type.naturalKeys.join(', ')} }`;
    byKeys.set(shape, [...(byKeys.get(shape) ?? []), name]);
  }
  const natural = [...byKeys].map(([shape, names]) => `${shape} for ${listed(names)}`);
  return badUserInput(
    `Entity representation ${what}. A federation gateway sends { __typename, id }` +
      (natural.length ? ` (or ${natural.join('; ')})` : '') +
      ', as the @key directives of schema/subgraph.graphql say.',
    { argument: 'representations' },
  );
}

function listed(names: readonly string[]): string {
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
    : (names[0] ?? '');
}
