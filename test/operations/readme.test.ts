/**
 * The README's example is a promise to a new user: its query, run on the demo data, answers
 * exactly the documented response, costing exactly the documented upstream calls.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const example = /## An example\n+```graphql\n([\s\S]*?)```[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);

let gw: TestGateway;
beforeAll(async () => (gw = await startTestGateway()));
afterAll(() => gw.stop());

describe('the README example', () => {
  it('answers the documented response with the documented upstream calls', async () => {
    expect(example).not.toBeNull();
    const [, query, response] = example as RegExpExecArray;
    const res = await gw.post({ query });
    const { status, ...body } = res;
    expect(status).toBe(200);
    expect(body).toEqual(JSON.parse(response as string));
    // "1 ListClusters, 1 ListNodePools, 2 ListBatchJobs, 2 list_pods and 2 count_pods".
    expect(gw.calls()).toEqual({
      fireworks: { ListClusters: 1, ListNodePools: 1, ListBatchJobs: 2 },
      runai: { list_pods: 2, count_pods: 2 },
      gitpod: {},
    });
  });
});
