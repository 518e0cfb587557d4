/**
 * GraphQL-over-HTTP conformance, audited by graphql-http's own server audits (the reference
 * implementation's suite): every MUST passes. The few SHOULD/MAY results that do not are listed
 * exactly, each a consequence of a decision: Apollo's CSRF prevention refuses simple GETs without
 * a preflight header, and Apollo answers 400 (not 200) to invalid documents under application/json.
 */
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => (gw = await startTestGateway()));
afterAll(() => gw.stop());

describe('GraphQL over HTTP', () => {
  it('passes every MUST audit; the SHOULD/MAY exceptions are the documented ones', async () => {
    const results = await auditServer({ url: gw.url, fetchFn: fetch });
    expect(results.filter((r) => r.status === 'error').map((r) => r.name)).toEqual([]);
    expect(
      results
        .filter((r) => r.status !== 'ok')
        .map((r) => `${r.status}: ${r.name}`)
        .sort(),
    ).toEqual([
      'notice: MAY accept application/x-www-form-urlencoded formatted GET requests',
      'notice: MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
      'notice: MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
      'warn: SHOULD use 200 status code on document parsing failure when accepting application/json',
      'warn: SHOULD use 200 status code on document validation failure when accepting application/json',
      'warn: SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
    ]);
    expect(results.length).toBeGreaterThan(50);
  });
});
