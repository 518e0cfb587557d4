/**
 * Global object identification: an ID is the base64url of `<Type>:<key>`, where the key is what
 * the type's vendor needs to fetch the object again (a Fireworks resource name; a Run:ai workload
 * and pod UUID; a Gitpod warm pool with its project and environment class). Each vendor encodes
 * and decodes the keys of its own types; this module only frames them. IDs are stateless, so any
 * replica resolves an ID issued by any other.
 */
import { badUserInput } from '../errors.js';

/** The most IDs `nodes(ids:)` takes, as GitHub bounds it. */
export const MAX_NODE_IDS = 100;

/** Given a type and its key, returns the opaque global ID. */
export function encodeGlobalId(type: string, key: string): string {
  return Buffer.from(`${type}:${key}`).toString('base64url');
}

/** Returns the error for an ID that names no object type of this gateway. */
export function invalidGlobalId(id: string): Error {
  return badUserInput(`"${id.slice(0, 100)}" is not a Fleetgraph ID. Use the \`id\` of an object.`);
}

/**
 * Given a global ID, returns its type name and key, or throws BAD_USER_INPUT; whether the type is
 * one the gateway serves is the caller's check (the registry of Node types).
 */
export function decodeGlobalId(id: string): { type: string; key: string } {
  if (id.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(id)) throw invalidGlobalId(id);
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const type = text.slice(0, colon);
  if (colon <= 0 || !/^[A-Z][A-Za-z]*$/.test(type) || colon === text.length - 1) throw invalidGlobalId(id);
  return { type, key: text.slice(colon + 1) };
}
