/**
 * Apollo Server's own log lines go through pino: one JSON stream, with Apollo's text scrubbed of
 * known credentials.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.js';
import { apolloLogger } from '../../src/observability/index.js';

describe('apolloLogger', () => {
  it('writes each level as a JSON line of the gateway stream, credentials scrubbed', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = apolloLogger(createLogger({ logLevel: 'debug' }, sink), ['secret-credential-123']);
    logger.debug('debug line');
    logger.info('info line');
    logger.warn('leaked secret-credential-123 here');
    logger.error(new Error('boom'));
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      parsed.map(({ level, component, service, msg }) => ({
        level,
        component,
        service,
        msg: String(msg).split('\n')[0],
      })),
    ).toEqual([
      { level: 20, component: 'apollo', service: 'fleetgraph', msg: 'debug line' },
      { level: 30, component: 'apollo', service: 'fleetgraph', msg: 'info line' },
      { level: 40, component: 'apollo', service: 'fleetgraph', msg: 'leaked [redacted] here' },
      { level: 50, component: 'apollo', service: 'fleetgraph', msg: 'Error: boom' },
    ]);
  });
});
