/**
 * `.env.example` documents every variable the configuration parser reads, each with its default
 * and one line of explanation. The list of variables is taken from the parser itself (every name
 * `loadConfig` looks up), so a variable added to src/config.ts and not to the file fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

/** The names loadConfig reads from an empty environment (every lookup, optional ones included). */
function variablesReadByParser(): string[] {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  loadConfig(env);
  return [...read].sort();
}

const lines = readFileSync('.env.example', 'utf8').split('\n');
const entries = lines.flatMap((line, index) => {
  const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  return match ? [{ name: match[1]!, value: match[2]!, comment: lines[index - 1] ?? '' }] : [];
});

describe('.env.example', () => {
  it('lists exactly the variables the configuration parser reads, each once', () => {
    const listed = entries.map((e) => e.name);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual(variablesReadByParser());
  });

  it('gives every variable one line of explanation above it', () => {
    const bare = entries.filter((e) => !/^# \S.{8,}$/.test(e.comment)).map((e) => e.name);
    expect(bare).toEqual([]);
  });

  it('sets each variable to its default: used as the environment, it gives the default configuration', () => {
    const env = Object.fromEntries(entries.map((e) => [e.name, e.value]));
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
