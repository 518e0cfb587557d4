/**
 * The subscription limits of the README that no single request can reach at the demo scale: a
 * list-diff filter matching more than MAX_WATCHED_OBJECTS objects, and a subscriber too slow to
 * read its events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WATCHED_OBJECTS } from '../../src/subscriptions/detectors.js';
import { MAX_QUEUED_MESSAGES, MessageQueue } from '../../src/subscriptions/poller.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { collect, waitFor, wsClient } from '../helpers/live.js';

describe('a filter matching more than MAX_WATCHED_OBJECTS objects', () => {
  let t: TestGateway;
  beforeAll(async () => (t = await startTestGateway({ SIM_SCALE: '11', RUNAI_POLL_MS: '100' })));
  afterAll(() => t.stop());

  it('ends the subscription with BAD_USER_INPUT after one walk, and polls no more', async () => {
    const client = wsClient(t);
    const sub = collect(client, 'subscription { podEvents { kind } }');
    await waitFor(() => sub.ended !== undefined, 20_000);
    expect(sub.ended).toBe('complete');
    expect(sub.results).toEqual([
      {
        errors: [
          {
            message: `This subscription's filter matches more than ${MAX_WATCHED_OBJECTS} objects, which it would re-read every interval; narrow the filter.`,
            locations: [{ line: 1, column: 16 }],
            path: ['podEvents'],
            extensions: {
              code: 'BAD_USER_INPUT',
              limit: 'MAX_WATCHED_OBJECTS',
              maximum: MAX_WATCHED_OBJECTS,
            },
          },
        ],
      },
    ]);
    expect(t.gateway.live.registry.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // 500 pods a page: the 21st page passes 10,000; then nothing more.
    expect(t.calls()).toEqual({ fireworks: {}, runai: { list_pods: 21 }, gitpod: {} });
    await client.dispose();
  }, 30_000);
});

describe('a subscriber too slow to read its events', () => {
  it(`is ended with RATE_LIMITED past ${MAX_QUEUED_MESSAGES} waiting events`, async () => {
    let closed = 0;
    const queue = new MessageQueue(() => closed++);
    const event = { event: { kind: 'CHANGED' as const, node: {}, changedFields: [], observedAt: '' } };
    for (let i = 0; i <= MAX_QUEUED_MESSAGES; i++) queue.push(event);
    const first = await queue.next();
    expect(first.done).toBe(false);
    expect(first.value && 'error' in first.value ? first.value.error.extensions : undefined).toEqual({
      code: 'RATE_LIMITED',
    });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
