/**
 * The demo defaults the tests rely on, read from the vendor modules that define them (the README
 * documents the same values).
 */
import { fireworks } from '../../src/vendors/fireworks/index.js';
import { gitpod } from '../../src/vendors/gitpod/index.js';
import { runai } from '../../src/vendors/runai/index.js';

/** Each vendor's demo credential: it only ever reaches the embedded simulators. */
export const DEMO_CREDENTIALS = {
  fireworks: fireworks.demo.credential,
  runai: runai.demo.credential,
  gitpod: gitpod.demo.credential,
} as const;

/** The Fireworks account of the demo data set. */
export const DEMO_ACCOUNT_ID = 'fleetgraph-demo';
