/**
 * Trusted documents (`PERSISTED_DOCUMENTS`): the manifest graphql-codegen's client preset writes
 * with `persistedDocuments: true` (`persisted-documents.json`, a JSON object of document hash →
 * document text). With it, only those documents run, named by hash in the request's `documentId`
 * (the preset's convention) or `extensions.persistedQuery.sha256Hash` (Apollo's); a request with a
 * document text or an unknown hash is refused with `PERSISTED_QUERY_NOT_FOUND`.
 *
 * Contract: `loadPersistedDocuments` reads and validates the manifest once, at start, or throws a
 * ConfigError naming the variable; `resolve` returns the request body to hand to Apollo, with the
 * document text in place of its hash, or the refusal.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';

/** The trusted documents of the gateway, by hash. */
export type PersistedDocuments = ReadonlyMap<string, string>;

/** Reads a client-preset manifest; a missing file or a bad shape stops the start. */
export function loadPersistedDocuments(path: string): PersistedDocuments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `PERSISTED_DOCUMENTS must name a readable JSON manifest (graphql-codegen client preset), got "${path}": ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('PERSISTED_DOCUMENTS must hold a JSON object of document hash → document');
  }
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || !/^[A-Za-z0-9:_-]{1,256}$/.test(hash)) {
      throw new ConfigError(
        `PERSISTED_DOCUMENTS: entry "${hash.slice(0, 80)}" is not a hash → document string`,
      );
    }
    documents.set(hash, document);
  }
  return documents;
}

/** The outcome of resolving a request against the manifest. */
export type Resolution = { body: Record<string, unknown> } | { refusal: string };

/**
 * Given the manifest and a request's parameters (the JSON body, or the URL's for a GET), returns
 * them with `query` set to the trusted document its hash names, or why it is refused.
 */
export function resolvePersisted(documents: PersistedDocuments, params: Record<string, unknown>): Resolution {
  const extensions = params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
  const hash = params.documentId ?? extensions?.persistedQuery?.sha256Hash;
  if (typeof hash !== 'string') {
    return {
      refusal:
        'This gateway only runs trusted documents (PERSISTED_DOCUMENTS): send `documentId` with the hash of ' +
        'a document from its manifest, not a document.',
    };
  }
  const document = documents.get(hash) ?? documents.get(`sha256:${hash}`);
  if (document === undefined) {
    return { refusal: `No trusted document has the hash "${hash.slice(0, 80)}" (PERSISTED_DOCUMENTS).` };
  }
  const { documentId: _id, extensions: _extensions, ...rest } = params;
  const { persistedQuery: _persisted, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
  return {
    body: {
      ...rest,
      query: document,
      ...(Object.keys(otherExtensions).length ? { extensions: otherExtensions } : {}),
    },
  };
}
