// Page-object helpers for custsync's browser tests: Debian's Chromium driven by playwright-core.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';

export const BASE_URL = process.env.CUSTSYNC_URL ?? 'http://127.0.0.1:3000';
const SHOTS = process.env.CUSTSYNC_SHOTS ?? 'target/browser-failures';

/** The people the tests sign in as (the test server's admin, and the demo's viewer and operator). */
export const PEOPLE = {
  admin: { name: 'admin', password: process.env.CUSTSYNC_ADMIN_PASSWORD ?? 'admin-test-password' },
  operator: { name: 'operator', password: 'operator-demo-2026' },
  viewer: { name: 'viewer', password: 'viewer-demo-2026' },
};

/** Starts Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no network). */
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Signs in through the sign-in form's endpoint and returns the session's storage state. */
export async function signIn(browser, who) {
  const context = await browser.newContext();
  const answer = await context.request.post(BASE_URL + '/sign-in', {
    form: { name: who.name, password: who.password, next: '/' },
    maxRedirects: 0,
  });
  if (answer.status() !== 303) throw new Error(`sign-in as ${who.name} answered ${answer.status()}`);
  const location = answer.headers()['location'] ?? '';
  if (location.includes('error=')) throw new Error(`sign-in as ${who.name} refused: ${location}`);
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * Starts Chromium signed in as `as` (admin by default): every page and context it opens carries
 * that person's session, and `contextOptions` (e.g. `bypassCSP` to inject a test library).
 * `close()` closes Chromium.
 */
export async function launch(as = 'admin', contextOptions = {}) {
  const browser = await launchChromium();
  const storageState = await signIn(browser, PEOPLE[as]);
  return {
    chromium: browser,
    newContext: (options = {}) => browser.newContext({ storageState, ...contextOptions, ...options }),
    newPage: async (options = {}) => {
      const context = await browser.newContext({ storageState, ...contextOptions, ...options });
      const page = await context.newPage();
      page.on('close', () => context.close().catch(() => {}));
      return page;
    },
    close: () => browser.close(),
  };
}

/**
 * Opens a page (in a browser of its own context, or in a given context, sharing its cookies),
 * collecting console errors, and waits until the WebAssembly client hydrated it.
 */
export async function openHydrated(browserOrContext, path, viewport = { width: 1280, height: 900 }) {
  const isBrowser = typeof browserOrContext.newContext === 'function';
  const page = isBrowser ? await browserOrContext.newPage({ viewport }) : await browserOrContext.newPage();
  if (!isBrowser) await page.setViewportSize(viewport);
  const errors = collectErrors(page);
  await page.goto(BASE_URL + path);
  try {
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
  } catch (e) {
    throw new Error(`${path} did not come alive in 30 s; console errors: ${JSON.stringify(errors)}`, { cause: e });
  }
  return { page, errors };
}

/** Keeps a screenshot of a failed test for a person to look at. */
export async function screenshotOnFailure(t, page) {
  if (!page) return;
  mkdirSync(SHOTS, { recursive: true });
  const name = t.name.replace(/[^a-z0-9]+/gi, '-');
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }).catch(() => {});
}

/**
 * Opens a hydrated page at `path`, runs `body({ page, errors })`, keeps a screenshot if it
 * fails, and always closes the page.
 */
export async function withPage(browser, t, path, body, viewport) {
  const { page, errors } = await openHydrated(browser, path, viewport);
  await guarded(t, page, () => body({ page, errors }), () => page.close());
}

/** The page's console errors and uncaught exceptions, as they happen, each with the address of
 * the document that printed it (a failure in CI must say which page it met). */
export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} [at ${msg.location().url || page.url()}]`);
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Runs `body()`, keeps a screenshot of `page` if it fails, and always runs `close()`. */
export async function guarded(t, page, body, close) {
  try {
    await body();
  } catch (e) {
    await screenshotOnFailure(t, page);
    throw e;
  } finally {
    await close();
  }
}

/** Runs a job now, as the page's person (the page's own origin, so the call is same-site). */
export async function runNow(page, job) {
  const status = await page.evaluate(async (job) => {
    const answer = await fetch('/rpc/jobs/action', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `job=${job}&action=RunNow`,
    });
    return answer.status;
  }, job);
  assert.equal(status, 200, `Run now ${job}`);
}
