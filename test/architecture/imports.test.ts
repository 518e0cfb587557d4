/**
 * The architecture as rules over the import graph (docs/architecture.md): a vendor is one folder
 * behind one contract, relations between vendors live in src/joins/, and the core knows no vendor.
 */
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../src/vendors/registry.js';
import { importGraph, moduleOf, vendorFolders } from '../helpers/imports.js';

const edges = importGraph();
const isVendorFolder = (path: string) => /^vendors\/[^/]+\//.test(path);

/** Files that wire the gateway together and may loop over the registry. */
const ASSEMBLY = new Set([
  'server.ts',
  'config.ts',
  'logging.ts',
  'graphql/context.ts',
  'graphql/schema.ts',
  'simulators/index.ts',
  'simulators/main.ts',
  'subscriptions/live.ts',
]);

describe('the import structure', () => {
  it('has no import between two vendor folders', () => {
    const crossing = edges.filter(
      (e) => isVendorFolder(e.from) && isVendorFolder(e.to) && moduleOf(e.from) !== moduleOf(e.to),
    );
    expect(crossing).toEqual([]);
  });

  it('lets only the registry and the joins import a vendor folder, and only through its index.ts', () => {
    // generated/graphql.ts is codegen's output: its mappers name each vendor's models (codegen.ts).
    const outside = edges.filter(
      (e) =>
        isVendorFolder(e.to) &&
        !isVendorFolder(e.from) &&
        e.from !== 'vendors/registry.ts' &&
        e.from !== 'generated/graphql.ts',
    );
    expect(outside.filter((e) => !e.from.startsWith('joins/'))).toEqual([]);
    expect(outside.filter((e) => !/^vendors\/[^/]+\/index\.ts$/.test(e.to))).toEqual([]);
  });

  it('lets only the assembly import the registry', () => {
    const importers = edges.filter((e) => e.to === 'vendors/registry.ts').map((e) => e.from);
    expect(importers.filter((from) => !ASSEMBLY.has(from))).toEqual([]);
  });

  it('keeps the core free of vendors: errors, upstream, pagination, values and the GraphQL helpers', () => {
    const core = (path: string) =>
      path === 'errors.ts' ||
      path === 'values.ts' ||
      path.startsWith('upstream/') ||
      path.startsWith('pagination/') ||
      (path.startsWith('graphql/') && !ASSEMBLY.has(path));
    const leaks = edges.filter(
      (e) =>
        core(e.from) && (isVendorFolder(e.to) || e.to === 'vendors/registry.ts' || e.to.startsWith('joins/')),
    );
    expect(leaks).toEqual([]);
  });

  it('keeps vendor folders out of the joins and of each other: they see only the core and the contract', () => {
    const allowed = (to: string) =>
      !to.startsWith('joins/') && to !== 'vendors/registry.ts' && to !== 'server.ts' && to !== 'config.ts';
    const leaks = edges.filter((e) => isVendorFolder(e.from) && !allowed(e.to));
    expect(leaks).toEqual([]);
  });
});

describe('the registry', () => {
  it('lists every vendor folder, under the folder name, exactly once', () => {
    expect(VENDORS.map((v) => v.id).sort()).toEqual(vendorFolders());
  });

  it('gives every vendor its own prefix, credential variable and header, and demo port', () => {
    for (const key of ['configPrefix', 'credentialVariable', 'credentialHeader'] as const) {
      expect(new Set(VENDORS.map((v) => v[key])).size).toBe(VENDORS.length);
    }
    expect(new Set(VENDORS.map((v) => v.demo.simulatorPort)).size).toBe(VENDORS.length);
  });

  it('serves every Node type of the schema from exactly one vendor', async () => {
    const { createSchema } = await import('../../src/graphql/schema.js');
    const schema = createSchema();
    const node = schema.getType('Node');
    const implementations = schema
      .getPossibleTypes(node as Parameters<typeof schema.getPossibleTypes>[0])
      .map((t) => t.name)
      .sort();
    expect(VENDORS.flatMap((v) => v.nodeTypes.map((t) => t.typename)).sort()).toEqual(implementations);
  });
});
