// The status page in a real browser: server-rendered, hydrated by the WebAssembly client, and
// showing the six default columns with the newest operations first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the status list hydrates and shows the six default columns (the five of the original page and the customer name) and the newest operations', async (t) => {
  await withPage(browser, t, '/', async ({ page, errors }) => {
    // The data columns; an operator's list also has a column of checkboxes to pick rows.
    const headers = await page.locator('.operation-table thead th:not(.cell-pick)').allInnerTexts();
    assert.equal(await page.locator('.operation-table thead th.cell-pick').count(), 1, 'an admin picks rows');
    assert.deepEqual(
      headers.map((h) => h.replace(/[↓↑]/g, '').trim().toLowerCase()),
      ['channel name', 'customer name', 'customer account', 'async customer account', 'operation timestamp', 'customer sync status'],
    );
    const rows = page.locator('.operation-table tbody tr');
    assert.equal(await rows.count(), 50);
    const times = await page.locator('.operation-table tbody time').evaluateAll(
      (els) => els.map((e) => Date.parse(e.getAttribute('datetime'))),
    );
    assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), 'newest first');
    const firstRow = await rows.first().innerText();
    assert.match(firstRow, /Pending|Succeeded|Failed|Waiting|Editing|Possible duplicate/);
    // A chip per status: Failed, Possible duplicate, Pending, Waiting, Editing, Succeeded.
    const counts = await page.locator('.status-counts li').count();
    assert.equal(counts, 6);
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

test('on a desktop, a row opened from far down the list stays where it was beside its detail, and closing it returns there', async (t) => {
  await withPage(browser, t, '/?status=succeeded', async ({ page, errors }) => {
    await page.evaluate(() => window.scrollTo(0, 2500));
    // A row in the middle of the window.
    const key = await page.evaluate(() => [...document.querySelectorAll('.operation-table tbody tr')]
      .find((row) => row.getBoundingClientRect().top > 300)?.dataset.key);
    const row = page.locator(`.operation-table tbody tr[data-key="${key}"]`);
    const before = await row.evaluate((r) => r.getBoundingClientRect().top);
    await row.locator('.row-link').click();
    await page.locator(`.detail[data-operation-id="${key}"]`).waitFor();
    const split = await page.evaluate((key) => ({
      scrollY: window.scrollY,
      page: document.documentElement.scrollHeight,
      window: window.innerHeight,
      row: document.querySelector(`.list-side tr[data-key="${key}"]`).getBoundingClientRect().top,
      topBar: document.querySelector('.top-bar').getBoundingClientRect().bottom,
      title: document.querySelector('#detail-title').getBoundingClientRect().top,
    }), key);
    assert.equal(split.scrollY, 0, 'the window is not left scrolled');
    assert.equal(split.page, split.window, 'no blank band below the panes');
    assert.ok(Math.abs(split.row - before) < 2, `the row stays in place (${before} → ${split.row})`);
    assert.ok(split.title >= split.topBar, 'the detail title is not under the top bar');

    await page.locator('.detail-close').click();
    await page.waitForFunction(() => !document.querySelector('.detail'));
    const back = await row.evaluate((r) => r.getBoundingClientRect().top);
    assert.ok(Math.abs(back - before) < 2, `closed, the row is where it was (${before} → ${back})`);
    assert.deepEqual(errors, [], 'no console errors');
  }, { width: 1280, height: 800 });
});
