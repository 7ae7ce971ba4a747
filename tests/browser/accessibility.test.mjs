// Accessibility: axe-core finds no serious or critical violation on the status page, with the
// list alone and with a failed operation's detail open, and on the dashboard with its tables
// open, at tablet and phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { launch, withPage } from './helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let browser;
// axe-core is injected as an inline script, which the page's content security policy refuses.
before(async () => { browser = await launch('admin', { bypassCSP: true }); });
after(async () => { await browser?.close(); });

async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

for (const [name, viewport] of [['tablet', { width: 768, height: 1024 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the status page has no serious accessibility violation at ${name} width`, async (t) => {
    await withPage(browser, t, '/?status=failed', async ({ page }) => {
      assert.deepEqual(await seriousViolations(page), []);
      await page.locator('.operation-table tbody tr .row-link').first().click();
      await page.locator('.detail .attribute-grid').waitFor();
      assert.deepEqual(await seriousViolations(page), []);
    }, viewport);
  });
}

for (const [name, viewport] of [['tablet', { width: 768, height: 1024 }], ['phone', { width: 390, height: 844 }]]) {
  test(`the dashboard, its tables open, has no serious accessibility violation at ${name} width`, async (t) => {
    await withPage(browser, t, '/dashboard', async ({ page }) => {
      for (const summary of await page.locator('.chart-table summary').all()) await summary.click();
      assert.deepEqual(await seriousViolations(page), []);
    }, viewport);
  });
}
