// The dashboard in a real browser: a viewer sees every chart with its sentence and figures, at
// tablet and desktop width, and a figure opens the status list filtered to what it counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch('viewer'); });
after(async () => { await browser?.close(); });

test('the dashboard draws each chart with its sentence, and a channel’s Failed count opens exactly those operations', async (t) => {
  for (const [width, height] of [[768, 1024], [1280, 900]]) {
    await withPage(browser, t, '/dashboard', async ({ page, errors }) => {
      const charts = page.locator('figure.chart');
      assert.equal(await charts.count(), 6);
      for (const chart of await charts.all()) {
        assert.ok(await chart.locator('.chart-svg svg').count(), 'an SVG picture');
        assert.ok((await chart.locator('.chart-svg').getAttribute('aria-label')).length > 10, 'a text alternative');
        const box = await chart.locator('.chart-svg svg').boundingBox();
        assert.ok(box.width <= width, `the chart fits: ${box.width}`);
      }
      const statuses = page.locator('#statuses');
      assert.match(await statuses.locator('.chart-summary').innerText(), /operations in \d+ channels/);
      await statuses.locator('.chart-table summary').click();
      const row = statuses.locator('tbody tr').first();
      const channel = await row.locator('th a').innerText();
      const failedCell = row.locator('td').first().locator('a');
      const failed = Number((await failedCell.innerText()).replace(/\D/g, ''));
      await failedCell.click();
      await page.waitForURL(/status=failed/);
      const url = new URL(page.url());
      assert.ok(url.searchParams.get('channel'), 'filtered to the channel');
      await page.waitForSelector('.count-chip.active');
      const chip = Number((await page.locator('.count-chip.active .count-value').innerText()).replace(/\D/g, ''));
      // The jobs keep running: the chip may have moved by a few since the dashboard was drawn.
      assert.ok(Math.abs(chip - failed) <= 2, `${channel}: ${failed} on the dashboard, ${chip} in the list`);
      assert.deepEqual(errors, [], 'no console errors');
    }, { width, height });
  }
});
