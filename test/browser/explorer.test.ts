/**
 * The offline explorer in a real browser: the page and its assets come from the gateway itself
 * (nothing beyond loopback is fetched), the gateway key is set in GraphiQL's headers editor, and
 * a query run from the page shows the gateway's answer.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';

const KEY = 'explorer-test-key-0123456789';
let gw: TestGateway;
let tb: TestBrowser;

beforeAll(async () => {
  // What `npm run build` does for the explorer; the gateway reads dist/explorer/ when it starts.
  execFileSync(process.execPath, ['scripts/build-explorer.mjs'], { stdio: 'inherit' });
  gw = await startTestGateway({ GATEWAY_API_KEYS: KEY });
  tb = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await tb?.close();
  await gw?.stop();
});

/** Sets the text of one of GraphiQL's CodeMirror editors. */
const setEditor = (selector: string, text: string) =>
  `document.querySelector(${JSON.stringify(selector)}).CodeMirror.setValue(${JSON.stringify(text)})`;

// A real browser on a shared 2-core machine: generous, so load does not fail a correct page.
describe('the explorer at /graphql', { timeout: 60_000 }, () => {
  it('runs a query with the gateway key set in the headers editor, offline', async () => {
    const page = await tb.context.newPage();
    const response = await page.goto(gw.url);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Fleetgraph explorer');
    expect(await page.locator('.fg-banner').innerText()).toContain('x-runai-token');
    expect(await page.locator('#sandbox-link').getAttribute('href')).toBe(
      `https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(gw.url)}`,
    );
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();

    await page.evaluate(setEditor('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', '{}'));
    await page.getByRole('button', { name: 'Headers' }).click();
    await page.evaluate(
      setEditor(
        '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
        JSON.stringify({ 'x-api-key': KEY }),
      ),
    );
    await page.evaluate(
      setEditor('.graphiql-query-editor .CodeMirror', '{ clusters(first: 2) { totalCount nodes { name } } }'),
    );
    gw.reset();
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response .CodeMirror');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('totalCount');
    const shown = JSON.parse(
      await page.evaluate(`document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`),
    );
    const { status: _status, ...direct } = await gw.post(
      { query: '{ clusters(first: 2) { totalCount nodes { name } } }' },
      { 'x-api-key': KEY },
    );
    expect(shown).toEqual(direct);
    expect(shown.data.clusters.totalCount).toBe(4);
    await page.screenshot({ path: tb.screenshotPath('explorer') });
    expect(tb.offLoopback).toEqual([]);
    // Only the schema introspection GraphiQL sends on load, before the key is set, is refused.
    expect(tb.pageErrors.filter((e) => !e.includes('status of 401 (Unauthorized)'))).toEqual([]);
  });

  it('sends a vendor override header set in the headers editor to that vendor', async () => {
    const page = await tb.context.newPage();
    await page.goto(gw.url);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    await page.getByRole('button', { name: 'Headers' }).click();
    const override = 'explorer-override-token-9876';
    await page.evaluate(
      setEditor(
        '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
        JSON.stringify({ 'x-api-key': KEY, 'x-runai-token': override }),
      ),
    );
    await page.evaluate(setEditor('.graphiql-query-editor .CodeMirror', '{ pods(first: 1) { totalCount } }'));
    gw.reset();
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response .CodeMirror');
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toContain('UNAUTHENTICATED');
    // The simulator knows only the configured token, so it refuses the override: proof it was sent.
    const sent = gw.requests('runai');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.map((r) => r.credential?.slice(-4))).toEqual(sent.map(() => '9876'));
    const shown = JSON.parse(
      await page.evaluate(`document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`),
    );
    expect(shown.errors.map((e: { extensions: unknown }) => e.extensions)).toEqual([
      { code: 'UNAUTHENTICATED', upstream: 'runai', upstreamStatus: 401 },
    ]);
  });

  it('serves only the built assets, without the key, and the API still requires it', async () => {
    const asset = await fetch(new URL('/explorer/explorer.js', gw.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const traversal = await fetch(new URL('/explorer/..%2Fsrc%2Fmain.js', gw.url));
    expect(traversal.status).toBe(404);
    const api = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(api.status).toBe(401);
  });
});
