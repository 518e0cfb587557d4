/**
 * Global object identification: an ID is the base64url of `<Type>:<key>`, where the key is what
 * the upstream needs to fetch the object again (a Fireworks resource name; a Run:ai workload and
 * pod UUID; a Gitpod warm pool with its project and environment class). IDs are stateless, so
 * any replica resolves an ID issued by any other.
 */
import { badUserInput } from '../errors.js';

/** The types that implement Node. */
export type NodeType = 'Cluster' | 'NodePool' | 'BatchJob' | 'Pod' | 'WarmPool';
const NODE_TYPES = new Set<string>(['Cluster', 'NodePool', 'BatchJob', 'Pod', 'WarmPool']);

/** Given a type and its key, returns the opaque global ID. */
export function encodeGlobalId(type: NodeType, key: string): string {
  return Buffer.from(`${type}:${key}`).toString('base64url');
}

/** Given a global ID, returns its type and key, or throws BAD_USER_INPUT. */
export function decodeGlobalId(id: string): { type: NodeType; key: string } {
  const invalid = () =>
    badUserInput(`"${id.slice(0, 100)}" is not a Fleetgraph ID. Use the \`id\` of an object.`);
  if (id.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(id)) throw invalid();
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  if (colon <= 0 || !NODE_TYPES.has(type) || colon === text.length - 1) throw invalid();
  return { type: type as NodeType, key: text.slice(colon + 1) };
}
