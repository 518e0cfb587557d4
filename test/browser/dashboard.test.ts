/**
 * The example dashboard (examples/dashboard/) built with Vite and opened in a real browser
 * against a real gateway: what each page shows is checked against the gateway's answer to the
 * same documents, then again with Run:ai failing, where the rest renders under a banner.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { print } from 'graphql';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FleetOverviewDocument,
  NodePoolDetailDocument,
  PodGpuDocument,
  WarmPoolsByProjectDocument,
  type FleetOverviewQuery,
  type NodePoolDetailQuery,
  type PodGpuQuery,
  type WarmPoolsByProjectQuery,
} from '../../examples/dashboard/src/gql/graphql.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
let tb: TestBrowser;
let site: Server;
let outDir: string;
let appUrl: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'fleetgraph-dashboard-'));
  // The production bundle, as `npm run build -w examples/dashboard` makes it: vitest sets
  // NODE_ENV=test, which would give React's development JSX runtime.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: 'examples/dashboard/vite.config.ts',
      mode: 'production',
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  site = await serveStatic(outDir);
  gw = await startTestGateway({ UPSTREAM_MAX_ATTEMPTS: '1' });
  tb = await launchBrowser();
  appUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/?gateway=${encodeURIComponent(gw.url)}`;
}, 120_000);
afterAll(async () => {
  await tb?.close();
  await gw?.stop();
  await new Promise((resolve) => site?.close(resolve));
  rmSync(outDir, { recursive: true, force: true });
});
beforeEach(() => gw.reset());

/** The gateway's own answer to a dashboard document (what the page should show). */
async function answer<T>(document: Parameters<typeof print>[0], variables?: Record<string, unknown>) {
  const response = await gw.query<T>(print(document), variables);
  return response;
}

const texts = (page: Page, testId: string) => page.getByTestId(testId).allInnerTexts();

// A real browser on a shared 2-core machine: generous, so load does not fail a correct page.
describe('the fleet dashboard in a browser', { timeout: 60_000 }, () => {
  it('shows the clusters, a node pool with paged pods, filtered batch jobs and a pod’s GPU chart', async () => {
    const overview = await answer<FleetOverviewQuery>(FleetOverviewDocument);
    expect(overview.errors).toBeUndefined();
    const clusters = overview.data!.clusters!.nodes;
    const page = await tb.context.newPage();
    await page.goto(appUrl);
    await page.getByTestId('cluster').first().waitFor();
    expect(await texts(page, 'cluster-name')).toEqual(clusters.map((c) => c.displayName ?? c.name));
    const pools = clusters.flatMap((c) => c.nodePools!.nodes);
    expect(await texts(page, 'pod-count')).toEqual(pools.map((p) => String(p.pods!.totalCount)));
    expect(await texts(page, 'batch-job-count')).toEqual(pools.map((p) => String(p.batchJobs!.totalCount)));
    expect(await page.getByTestId('partial-failure').count()).toBe(0);

    // A node pool with more than two pages of pods.
    const pool = pools.find((p) => p.pods!.totalCount > 20)!;
    await page.getByRole('link', { name: pool.nodePoolId, exact: true }).first().click();
    await page.getByTestId('pod-row').first().waitFor();
    const first20 = await answer<NodePoolDetailQuery>(NodePoolDetailDocument, { name: pool.name });
    const detail = first20.data!.nodePool!;
    expect(await page.getByTestId('pods-total').innerText()).toBe(String(detail.pods!.totalCount));
    const podNames = async () =>
      page.getByTestId('pod-row').evaluateAll((rows) => rows.map((r) => r.querySelector('td')!.innerText));
    expect(await podNames()).toEqual(detail.pods!.edges.map((e) => e.node.name));
    await page.getByTestId('load-more').click();
    await expect.poll(async () => (await podNames()).length).toBe(20);
    const second = await answer<NodePoolDetailQuery>(NodePoolDetailDocument, {
      name: pool.name,
      after: detail.pods!.pageInfo.endCursor,
    });
    expect(await podNames()).toEqual(
      [...detail.pods!.edges, ...second.data!.nodePool!.pods!.edges].map((e) => e.node.name),
    );

    // Batch jobs filtered by state.
    await page.getByTestId('state-filter').selectOption('RUNNING');
    const running = await answer<NodePoolDetailQuery>(NodePoolDetailDocument, {
      name: pool.name,
      states: ['RUNNING'],
    });
    const jobs = running.data!.nodePool!.batchJobs!;
    await expect.poll(() => page.getByTestId('jobs-total').innerText()).toBe(String(jobs.totalCount));
    await expect
      .poll(() => texts(page, 'job-row'))
      .toEqual(jobs.nodes.map((j) => `${j.displayName}\t${j.state}`));

    // A pod's GPU utilization over its first six hours (or until it completed).
    const pod =
      detail.pods!.edges.map((e) => e.node).find((p) => p.phase === 'RUNNING') ?? detail.pods!.edges[0]!.node;
    await page.getByRole('button', { name: pod.name, exact: true }).click();
    await page.getByTestId('metrics-summary').waitFor();
    const end = pod.completedAt ?? new Date(Date.parse(pod.createdAt) + 6 * 3_600_000).toISOString();
    const metrics = await answer<PodGpuQuery>(PodGpuDocument, { id: pod.id, start: pod.createdAt, end });
    const node = metrics.data!.node as Extract<PodGpuQuery['node'], { metrics?: unknown }>;
    const values = node.metrics![0]!.samples.map((s) => s.value ?? 0);
    expect(await page.getByTestId('metrics-summary').innerText()).toBe(
      `${values.length} samples from ${pod.createdAt} to ${end}, peak ${Math.max(...values).toFixed(1)} %`,
    );
    const points = await page.getByTestId('metrics-line').getAttribute('points');
    expect(points?.split(' ')).toHaveLength(values.length);
    await page.screenshot({ path: tb.screenshotPath('dashboard-node-pool'), fullPage: true });

    expect(tb.offLoopback).toEqual([]);
    expect(tb.pageErrors).toEqual([]);
  });

  it('groups warm pools by project as the gateway lists them', async () => {
    const warm = await answer<WarmPoolsByProjectQuery>(WarmPoolsByProjectDocument);
    const projects = new Set(warm.data!.warmPools!.nodes.map((p) => p.projectId ?? '(no project)'));
    const page = await tb.context.newPage();
    await page.goto(`${appUrl}#/warm-pools`);
    await page.getByTestId('project').first().waitFor();
    expect(await page.getByTestId('project').locator('h2').allInnerTexts()).toEqual(
      [...projects].map((p) => `project ${p}`),
    );
  });

  it('with Run:ai down, renders the Fireworks data under a banner naming the vendor and code', async () => {
    gw.faults('runai', { list_pods: { status: 503 }, count_pods: { status: 503 } });
    const overview = await answer<FleetOverviewQuery>(FleetOverviewDocument);
    const codes = new Set(overview.errors!.map((e) => `${e.extensions!.upstream}:${e.extensions!.code}`));
    expect([...codes]).toEqual(['runai:UPSTREAM_UNAVAILABLE']);
    const page = await tb.context.newPage();
    await page.goto(appUrl);
    const banner = page.getByTestId('partial-failure');
    await banner.waitFor();
    expect(await banner.innerText()).toBe(
      'Run:ai failed (UPSTREAM_UNAVAILABLE): its fields are empty, the rest is shown.',
    );
    const clusters = overview.data!.clusters!.nodes;
    expect(await texts(page, 'cluster-name')).toEqual(clusters.map((c) => c.displayName ?? c.name));
    const pools = clusters.flatMap((c) => c.nodePools!.nodes);
    expect(await texts(page, 'batch-job-count')).toEqual(pools.map((p) => String(p.batchJobs!.totalCount)));
    expect(await texts(page, 'pod-count')).toEqual(pools.map(() => '–'));
    await page.screenshot({ path: tb.screenshotPath('dashboard-runai-down'), fullPage: true });
  });
});

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** Serves a built static site on a free loopback port, index.html for `/`. */
async function serveStatic(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
