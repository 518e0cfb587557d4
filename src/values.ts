/**
 * Checks of values that come from outside (configuration, filter arguments, IDs), defined once.
 */

/** The longest filter value sent upstream; longer ones could only overflow a vendor's URL limit. */
export const MAX_FILTER_VALUE_LENGTH = 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Given a string, returns whether it is a UUID (Run:ai and Gitpod identifiers are). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A Kubernetes annotation key: an optional DNS-subdomain prefix and `/`, then a name. */
const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Given a string, returns whether it is a valid Kubernetes annotation key. */
export function isAnnotationKey(value: string): boolean {
  return value.length <= 316 && ANNOTATION_KEY.test(value);
}

/** Given a user string, returns whether it holds a control character (never valid in a filter value). */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i++)
    if (value.charCodeAt(i) < 0x20 || value.charCodeAt(i) === 0x7f) return true;
  return false;
}

/** Returns `text` parsed as a JSON object, or undefined when it is not valid JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}
