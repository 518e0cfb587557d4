/**
 * The README's live example is a promise too: its subscription, on the still demo world, receives
 * exactly the documented event for the documented `/_sim/mutate` change.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, mutate, subscribed, waitFor, wsClient } from '../helpers/live.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const example =
  /## Live updates[\s\S]*?```graphql\n([\s\S]*?)```[\s\S]*?```json\n([\s\S]*?)```[\s\S]*?```json\n([\s\S]*?)```/.exec(
    readme,
  );

let t: TestGateway;
beforeAll(async () => (t = await startTestGateway({ FIREWORKS_POLL_MS: '200' })));
afterAll(() => t.stop());

describe('the README live example', () => {
  it('receives the documented event for the documented change', async () => {
    expect(example).not.toBeNull();
    const [, query, change, event] = example as RegExpExecArray;
    const client = wsClient(t);
    const sub = collect(client, query as string);
    await subscribed(t, 1);
    expect((await mutate(t, JSON.parse(change as string) as Record<string, unknown>)).status).toBe(200);
    await waitFor(() => sub.results.length === 1, 5_000);
    expect(sub.results).toEqual([JSON.parse(event as string)]);
    await client.dispose();
  });
});
