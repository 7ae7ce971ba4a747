// The status page in a real browser: server-rendered, hydrated by the WebAssembly client, and
// showing the five default columns with the newest operations first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the status list hydrates and shows the five default columns and the newest operations', async (t) => {
  await withPage(browser, t, '/', async ({ page, errors }) => {
    // The data columns; an operator's list also has a column of checkboxes to pick rows.
    const headers = await page.locator('.operation-table thead th:not(.cell-pick)').allInnerTexts();
    assert.equal(await page.locator('.operation-table thead th.cell-pick').count(), 1, 'an admin picks rows');
    assert.deepEqual(
      headers.map((h) => h.replace(/[↓↑]/g, '').trim().toLowerCase()),
      ['channel name', 'customer account', 'async customer account', 'operation timestamp', 'customer sync status'],
    );
    const rows = page.locator('.operation-table tbody tr');
    assert.equal(await rows.count(), 50);
    const times = await page.locator('.operation-table tbody time').evaluateAll(
      (els) => els.map((e) => Date.parse(e.getAttribute('datetime'))),
    );
    assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), 'newest first');
    const firstRow = await rows.first().innerText();
    assert.match(firstRow, /Pending|Succeeded|Failed|Waiting|Editing/);
    const counts = await page.locator('.status-counts li').count();
    assert.equal(counts, 5);
    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('older operations continue where the first page ended, and the back button returns', async (t) => {
  await withPage(browser, t, '/', async ({ page }) => {
    const firstIds = await page.locator('.operation-table tbody tr').evaluateAll(
      (rows) => rows.map((r) => r.dataset.operationId),
    );
    await page.getByRole('link', { name: /Older operations/ }).click();
    await page.waitForURL(/before=/);
    await page.waitForFunction(
      (first) => document.querySelector('.operation-table tbody tr')?.dataset.operationId !== first,
      firstIds[0],
    );
    const nextIds = await page.locator('.operation-table tbody tr').evaluateAll(
      (rows) => rows.map((r) => r.dataset.operationId),
    );
    assert.equal(nextIds.length, 50);
    assert.ok(nextIds.every((id) => !firstIds.includes(id)), 'no operation twice');
    await page.goBack();
    await page.waitForFunction(
      (first) => document.querySelector('.operation-table tbody tr')?.dataset.operationId === first,
      firstIds[0],
    );
  });
});
