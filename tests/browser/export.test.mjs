// The CSV export in a real browser: a viewer filters the list, opens "Export CSV", adds the
// last error and a field's values, and downloads a file with exactly the filter's operations
// (the status chip's count) and the chosen columns; the page stays where it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch('viewer'); });
after(async () => { await browser?.close(); });

/** The count on the chip of the status the list is filtered to (digits only). */
async function activeCount(page) {
  const text = await page.locator('.count-chip.active .count-value').innerText();
  return Number(text.replace(/\D/g, ''));
}

test('a viewer downloads the filtered list as CSV with the columns they added, every operation the filter selects', async (t) => {
  for (const [width, height] of [[768, 1024], [1280, 900]]) {
    await withPage(browser, t, '/?status=failed', async ({ page, errors }) => {
      const before = await activeCount(page);
      assert.ok(before > 0, 'the demo has failed operations');
      await page.locator('.export-menu summary').click();
      const form = page.locator('.export-form');
      await form.getByLabel('Last error').check();
      await form.getByLabel('Receipt email', { exact: true }).check();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        form.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^custsync-operations-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = await readFile(await download.path(), 'utf8');
      const lines = text.trimEnd().split('\n');
      assert.match(lines[0], /^Operation,Customer sync status,/);
      assert.match(lines[0], /,Last error,Receipt email \(old\),Receipt email \(new\)$/);
      const after = await activeCount(page);
      // The jobs keep running: the file holds the count of a moment between the two readings.
      const rows = lines.length - 1;
      assert.ok(rows === before || rows === after, `${rows} rows, the chip said ${before} then ${after}`);
      assert.ok(lines.slice(1).every((l) => /^\d+,Failed,/.test(l) || !/^\d+,/.test(l)), 'only failed operations');
      assert.equal(new URL(page.url()).search, '?status=failed', 'the page stays');
      assert.equal(await page.locator('.export-menu[open]').count(), 0, 'the menu closes');
      assert.deepEqual(errors, [], 'no console errors');
    }, { width, height });
  }
});
