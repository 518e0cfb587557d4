/**
 * A real browser for tests: Debian's Chromium driven by playwright-core, with every request that
 * is not to a loopback address refused and recorded, so a test proves a page works offline.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** Where browser tests write their screenshots (gitignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** The Chromium the project installs (`.ci/run` apt-gets it when missing). */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Requests the pages tried to send beyond loopback (all refused). */
  offLoopback: string[];
  /** Errors the pages threw or logged to the console. */
  pageErrors: string[];
  screenshotPath(name: string): string;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh context that only reaches loopback. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it when missing)`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const offLoopback: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const { protocol, hostname } = new URL(route.request().url());
    const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
    if (protocol === 'data:' || loopback) return route.continue();
    offLoopback.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    context,
    offLoopback,
    pageErrors,
    screenshotPath: (name) => join(SCREENSHOT_DIR, `${name}.png`),
    close: () => browser.close(),
  };
}
