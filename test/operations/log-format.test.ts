/**
 * Logs are JSON lines for machines and human-readable lines on a terminal (or LOG_FORMAT=pretty),
 * with the same redaction in both.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';

/** A sink that records what is written; `isTTY` makes it look like a terminal. */
function sink(isTTY: boolean) {
  const lines: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
    { isTTY },
  );
  return { stream, text: () => lines.join('') };
}

const record = { headers: { authorization: 'Bearer secret-token-1234', 'x-runai-token': 'rt-secret-5678' } };

describe('log format', () => {
  it('writes JSON lines when the output is not a terminal (the default)', () => {
    const out = sink(false);
    createLogger(loadConfig({}), out.stream).info(record, 'graphql request');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      service: 'fleetgraph',
      msg: 'graphql request',
      headers: { authorization: '[redacted]', 'x-runai-token': '[redacted]' },
    });
  });

  it('writes one readable line per record on a terminal, with the time of day and level, credentials redacted', () => {
    const out = sink(true);
    createLogger(loadConfig({}), out.stream).info(record, 'graphql request');
    // Colours are on for a terminal; strip the escape sequences to read the text.
    const text = out.text().replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: graphql request\n/);
    expect(text).toContain('"authorization": "[redacted]"');
    expect(text).not.toContain('secret');
  });

  it('follows LOG_FORMAT over the terminal check', () => {
    const pretty = sink(false);
    createLogger(loadConfig({ LOG_FORMAT: 'pretty' }), pretty.stream).warn('slow upstream');
    expect(pretty.text()).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: slow upstream\n$/);
    const json = sink(true);
    createLogger(loadConfig({ LOG_FORMAT: 'json' }), json.stream).warn('slow upstream');
    expect(JSON.parse(json.text())).toMatchObject({ level: 40, msg: 'slow upstream' });
  });

  it('refuses an unknown LOG_FORMAT naming the variable', () => {
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(
      'LOG_FORMAT must be one of auto, json, pretty, got "xml"',
    );
  });
});
