/**
 * Trusted documents (PERSISTED_DOCUMENTS), with a manifest in the format graphql-codegen's client
 * preset writes (`persisted-documents.json`: hash → document): only listed documents run, named by
 * `documentId` or Apollo's `extensions.persistedQuery.sha256Hash`; a document text or an unknown
 * hash is refused with PERSISTED_QUERY_NOT_FOUND and no upstream call.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { loadPersistedDocuments } from '../../src/http/persisted-documents.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { groundTruth, NO_CALLS } from '../helpers/ground-truth.js';

const DOCUMENT = 'query Clusters($n: Int) { clusters(first: $n) { nodes { name } } }';
const HASH = createHash('sha256').update(DOCUMENT).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'fleetgraph-persisted-'));
const manifest = join(dir, 'persisted-documents.json');
writeFileSync(manifest, JSON.stringify({ [HASH]: DOCUMENT }));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ PERSISTED_DOCUMENTS: manifest });
});
afterAll(() => gw.stop());

const NOT_TRUSTED =
  'This gateway only runs trusted documents (PERSISTED_DOCUMENTS): send `documentId` with the hash of a document from its manifest, not a document.';

describe('PERSISTED_DOCUMENTS', () => {
  it('runs a listed document by documentId, and by Apollo’s persistedQuery hash', async () => {
    const clusters = {
      nodes: groundTruth(gw.world)
        .clusters.slice(0, 1)
        .map((c) => ({ name: c.name })),
    };
    gw.reset();
    const byId = await gw.post({ documentId: HASH, variables: { n: 1 } });
    expect([byId.status, byId.data]).toEqual([200, { clusters }]);
    const byApollo = await gw.post({
      variables: { n: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash: HASH } },
    });
    expect([byApollo.status, byApollo.data]).toEqual([200, { clusters }]);
    const get = await fetch(`${gw.url}?documentId=${HASH}&variables=${encodeURIComponent('{"n":1}')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect([get.status, ((await get.json()) as { data: unknown }).data]).toEqual([200, { clusters }]);
  });

  it('refuses a document sent as text, even one from the manifest, with no upstream call', async () => {
    gw.reset();
    expect(await gw.post({ query: DOCUMENT, variables: { n: 1 } })).toEqual({
      status: 400,
      errors: [{ message: NOT_TRUSTED, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  it('refuses an unknown hash', async () => {
    expect(await gw.post({ documentId: 'f'.repeat(64) })).toEqual({
      status: 400,
      errors: [
        {
          message: `No trusted document has the hash "${'f'.repeat(64)}" (PERSISTED_DOCUMENTS).`,
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
        },
      ],
    });
  });

  it('a missing or malformed manifest stops the start, naming the variable', () => {
    expect(() => loadPersistedDocuments(join(dir, 'missing.json'))).toThrow(ConfigError);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([DOCUMENT]));
    expect(() => loadPersistedDocuments(bad)).toThrow(
      new ConfigError('PERSISTED_DOCUMENTS must hold a JSON object of document hash → document'),
    );
  });
});
