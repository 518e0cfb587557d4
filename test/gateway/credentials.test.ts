/**
 * Credential isolation: every upstream request carries its own vendor's credential and no other
 * (the simulators record it masked to its last four characters), a caller's per-request header
 * replaces one vendor's credential for that request only, and no credential ever appears in a
 * response (`gql` checks every response of every suite for that).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareGateway, startTestGateway, type TestGateway, type VendorName } from '../helpers/gateway.js';
import {
  CREDENTIALS,
  gql,
  HEADER_CREDENTIALS,
  MAPPING_ONLY,
  NO_CALLS,
  type Fleet,
} from '../helpers/ground-truth.js';

let gw: TestGateway;
let fleet: Fleet;
shareGateway(MAPPING_ONLY, (shared) => ({ gw, fleet } = shared));

const VENDORS = ['fireworks', 'runai', 'gitpod'] as const;
const HEADERS = {
  fireworks: 'x-fireworks-api-key',
  runai: 'x-runai-token',
  gitpod: 'x-gitpod-api-key',
} as const;
const masked = (credential: string) => `****${credential.slice(-4)}`;

/** A query that reaches all three vendors, several operations each. */
const EVERYWHERE = `{
  clusters(first: 2) { nodes { name nodePools(first: 2) { nodes { name batchJobs(first: 1) { totalCount } pods(first: 1) { totalCount } } } } }
  pods(first: 3) { nodes { podId cluster { name } } }
  warmPools(first: 2) { nodes { warmPoolId } totalCount }
}`;

/** The credential each vendor's recorded requests carried, as a set per vendor. */
function credentialsSeen(g: TestGateway): Record<VendorName, string[]> {
  const out = {} as Record<VendorName, string[]>;
  for (const vendor of VENDORS)
    out[vendor] = [...new Set(g.requests(vendor).map((r) => r.credential ?? 'none'))];
  return out;
}

describe('configured credentials', () => {
  it("every upstream request carries its own vendor's credential and no other", async () => {
    const res = await gql(gw, EVERYWHERE);
    expect(res.errors).toBeUndefined();
    for (const vendor of VENDORS) expect(gw.requests(vendor).length).toBeGreaterThan(1);
    expect(credentialsSeen(gw)).toEqual({
      fireworks: [CREDENTIALS.fireworks.masked],
      runai: [CREDENTIALS.runai.masked],
      gitpod: [CREDENTIALS.gitpod.masked],
    });
  });

  it("a client's own Authorization header is never forwarded upstream", async () => {
    const res = await gql(gw, EVERYWHERE, undefined, { authorization: 'Bearer client-session-token-6650' });
    expect(res.errors).toBeUndefined();
    expect(credentialsSeen(gw)).toEqual({
      fireworks: [CREDENTIALS.fireworks.masked],
      runai: [CREDENTIALS.runai.masked],
      gitpod: [CREDENTIALS.gitpod.masked],
    });
  });
});

describe('per-request credential headers', () => {
  it.each(VENDORS)(
    'the %s header replaces that vendor’s credential for that request only',
    async (vendor) => {
      const res = await gql(gw, EVERYWHERE, undefined, { [HEADERS[vendor]]: HEADER_CREDENTIALS[vendor] });
      // The simulators accept only the configured credential: the caller's is refused upstream.
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.upstream])).toEqual(
        expect.arrayContaining([['UNAUTHENTICATED', vendor]]),
      );
      expect(res.errors?.every((e) => e.extensions?.upstream === vendor)).toBe(true);
      expect(credentialsSeen(gw)).toEqual({
        fireworks: [CREDENTIALS.fireworks.masked],
        runai: [CREDENTIALS.runai.masked],
        gitpod: [CREDENTIALS.gitpod.masked],
        [vendor]: [masked(HEADER_CREDENTIALS[vendor])],
      });

      gw.reset();
      expect((await gql(gw, EVERYWHERE)).errors).toBeUndefined();
      expect(credentialsSeen(gw)[vendor]).toEqual([CREDENTIALS[vendor].masked]);
    },
  );

  it('two concurrent requests, one with a header and one without, each keep their own credential', async () => {
    const withHeader = `{ pods(first: 4) { nodes { podId } } }`;
    const without = `{ pods(first: 5) { nodes { podId } } }`;
    const [a, b] = await Promise.all([
      gql(gw, withHeader, undefined, { 'x-runai-token': HEADER_CREDENTIALS.runai }),
      gql(gw, without),
    ]);
    expect(a.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      upstream: 'runai',
      upstreamStatus: 401,
    });
    expect(b).toEqual({
      status: 200,
      data: { pods: { nodes: fleet.pods.slice(0, 5).map((p) => ({ podId: p.id })) } },
    });
    expect(
      gw
        .requests('runai')
        .map((r) => [r.query.limit, r.credential, r.status])
        .sort(),
    ).toEqual([
      ['5', masked(HEADER_CREDENTIALS.runai), 401],
      ['6', CREDENTIALS.runai.masked, 200],
    ]);
  });

  it.each([
    ['blank', '   '],
    ['not printable ASCII', 'tök-ün'],
  ])('a %s header value is refused with 400 before any upstream call', async (_what, value) => {
    const res = await gql(gw, `{ pods(first: 1) { nodes { podId } } }`, undefined, {
      'x-runai-token': value,
    });
    expect(res).toEqual({
      status: 400,
      errors: [
        {
          message: 'The x-runai-token header must be a non-empty printable token.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(gw.calls()).toEqual(NO_CALLS);
  });

  describe('on a gateway started with ALLOW_CREDENTIAL_HEADERS=false', () => {
    let locked: TestGateway;
    beforeAll(async () => {
      locked = await startTestGateway({ ALLOW_CREDENTIAL_HEADERS: 'false' });
    });
    afterAll(() => locked.stop());

    it.each(VENDORS)('a %s credential header is refused with 400, nothing sent upstream', async (vendor) => {
      locked.reset();
      const res = await gql(locked, `{ clusters(first: 1) { nodes { name } } }`, undefined, {
        [HEADERS[vendor]]: HEADER_CREDENTIALS[vendor],
      });
      expect(res).toEqual({
        status: 400,
        errors: [
          {
            message: `The ${HEADERS[vendor]} header is disabled on this gateway.`,
            extensions: { code: 'BAD_USER_INPUT' },
          },
        ],
      });
      expect(locked.calls()).toEqual(NO_CALLS);
    });
  });
});

describe('no credential in any error', () => {
  it('failures of every kind on every vendor name no credential', async () => {
    gw.faults('fireworks', { ListClusters: { status: 500 }, ListBatchJobs: { malformed: true } });
    gw.faults('runai', { list_pods: { status: 401 }, count_pods: { reset: true } });
    gw.faults('gitpod', { ListWarmPools: { status: 403 } });
    const query = `{
      a: cluster(name: "${fleet.clusters[0]!.name}") { name pods(first: 1) { totalCount } }
      b: nodePool(name: "${fleet.nodePools[0]!.name}") { batchJobs(first: 1) { nodes { name } } }
      nodes(ids: ["${Buffer.from(`WarmPool:${fleet.warmPools[0]!.id}/${fleet.warmPools[0]!.metadata.projectId}/${fleet.warmPools[0]!.metadata.environmentClassId}`).toString('base64url')}"]) { id }
    }`;
    // gql fails on any credential in the response; here every field errs.
    const res = await gql(gw, query, undefined, { 'x-gitpod-api-key': HEADER_CREDENTIALS.gitpod });
    expect(res.errors?.length).toBeGreaterThanOrEqual(3);
    for (const error of res.errors ?? []) {
      for (const vendor of VENDORS) {
        expect(error.message).not.toContain(CREDENTIALS[vendor].value.slice(-4));
        expect(error.message).not.toContain(HEADER_CREDENTIALS[vendor].slice(-4));
      }
    }
  });
});
