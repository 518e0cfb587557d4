/**
 * Entity representations, as a federation gateway sends them to `_entities`: checked and turned
 * into lookup keys before anything runs. The limits plugin costs `_entities` with
 * `parseRepresentations` (so a malformed one refuses the whole operation before any upstream
 * call), and each `__resolveReference` parses its own representation again the same way.
 *
 * Keys: every entity by `id` (its global ID); the Fireworks resources (Cluster, NodePool,
 * BatchJob) also by `name`, their resource name.
 */
import { GraphQLError } from 'graphql';
import { badUserInput } from '../errors.js';
import { decodeGlobalId, type NodeType } from '../graphql/global-id.js';
import { clusterName, parseChildName, parseClusterName } from '../vendors/fireworks/names.js';

/** The entity types of the subgraph: every type that implements Node. */
export const ENTITY_TYPES: readonly NodeType[] = ['Cluster', 'NodePool', 'BatchJob', 'Pod', 'WarmPool'];

/** A representation, checked: the entity's type and the key its lookup takes. */
export type EntityReference = FireworksReference | PodReference | WarmPoolReference;

/** A Fireworks resource by its resource name (from its `name` or the key of its `id`). */
export interface FireworksReference {
  type: 'Cluster' | 'NodePool' | 'BatchJob';
  account: string;
  name: string;
}

/** A Run:ai pod by workload and pod id. */
export interface PodReference {
  type: 'Pod';
  workloadId: string;
  podId: string;
}

/** A Gitpod warm pool by id, project and environment class. */
export interface WarmPoolReference {
  type: 'WarmPool';
  id: string;
  projectId: string;
  environmentClassId: string;
}

/**
 * Given one representation and the configured Fireworks account, returns the reference it
 * names, or throws BAD_USER_INPUT saying what is wrong with it. A reference that is well formed
 * but names nothing (another account, an unknown id) is not an error here: it resolves to null.
 */
export function parseRepresentation(representation: unknown, accountId: string): EntityReference {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
    throw refused('is not an object');
  }
  const { __typename: typename, id, name } = representation as Record<string, unknown>;
  if (typeof typename !== 'string' || !(ENTITY_TYPES as readonly string[]).includes(typename)) {
    throw refused(`has __typename ${JSON.stringify(typename)}; expected one of ${ENTITY_TYPES.join(', ')}`);
  }
  const type = typename as NodeType;
  if (typeof id === 'string') {
    const decoded = decodeGlobalId(id);
    if (decoded.type !== type) throw refused(`is a ${type} whose id is a ${decoded.type}'s`);
    return fromKey(type, decoded.key, accountId);
  }
  if (typeof name === 'string' && (type === 'Cluster' || type === 'NodePool' || type === 'BatchJob')) {
    return fromKey(type, name, accountId);
  }
  const keys = type === 'Pod' || type === 'WarmPool' ? '`id`' : '`id` or `name`';
  throw refused(`of a ${type} has no ${keys} string (its @key fields)`);
}

/** Given `_entities`' representations, returns them parsed, or throws on the first malformed one. */
export function parseRepresentations(representations: unknown, accountId: string): EntityReference[] {
  if (!Array.isArray(representations)) throw refused('list is not a list');
  return representations.map((r, i) => {
    try {
      return parseRepresentation(r, accountId);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw badUserInput(`representations[${i}]: ${error.message}`, { argument: 'representations' });
    }
  });
}

function fromKey(type: NodeType, key: string, accountId: string): EntityReference {
  switch (type) {
    case 'Cluster': {
      const { account, cluster } = parseClusterName(key, accountId);
      return { type, account, name: clusterName(account, cluster) };
    }
    case 'NodePool':
    case 'BatchJob': {
      const { account } = parseChildName(key, type === 'NodePool' ? 'nodePools' : 'batchJobs');
      return { type, account, name: key };
    }
    case 'Pod': {
      const [workloadId = '', podId = ''] = key.split('/');
      return { type, workloadId, podId };
    }
    case 'WarmPool': {
      const [id = '', projectId = '', environmentClassId = ''] = key.split('/');
      return { type, id, projectId, environmentClassId };
    }
  }
}

function refused(what: string) {
  return badUserInput(
    `Entity representation ${what}. A federation gateway sends { __typename, id } (or { __typename, name } ` +
      'for Cluster, NodePool and BatchJob), as the @key directives of schema/subgraph.graphql say.',
    { argument: 'representations' },
  );
}
