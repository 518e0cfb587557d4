/**
 * A port clash at start (EADDRINUSE), worded for the person who must fix it: which variable sets
 * the port that is taken. The gateway and the three embedded simulators each listen on their own.
 */
import type { Config } from '../config.js';

/** Given a start failure and the configuration, returns the message naming the variable to change, if it is a clash. */
export function portClashMessage(error: unknown, config: Config): string | undefined {
  // The simulators wrap their listen error; the clash is the first cause with the code.
  let e = error as (NodeJS.ErrnoException & { port?: number; address?: string }) | undefined;
  while (e && e.code !== 'EADDRINUSE') e = e.cause as typeof e;
  if (!e || typeof e.port !== 'number') return undefined;
  const owners: [string, number, boolean][] = [
    ['PORT', config.port, true],
    ['SIM_FIREWORKS_PORT', config.fireworks.simulatorPort, config.fireworks.demo],
    ['SIM_RUNAI_PORT', config.runai.simulatorPort, config.runai.demo],
    ['SIM_GITPOD_PORT', config.gitpod.simulatorPort, config.gitpod.demo],
  ];
  const names = owners.filter(([, port, used]) => used && port === e.port).map(([name]) => name);
  const where = `${e.address ?? 'localhost'}:${e.port}`;
  if (names.length === 0) return `port ${where} is already in use`;
  return (
    `port ${where} is already in use: set ${names.join(' or ')} to a free port ` +
    `(or stop the process listening there)`
  );
}
