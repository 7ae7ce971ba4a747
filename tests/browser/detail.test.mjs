// The detail of an operation: opened from the list, beside it on a desktop and as its own view
// with a way back on a phone; the selected operation lives in the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a row opens its detail beside the list, with the grid, the history and its place in the URL', async (t) => {
  await withPage(browser, t, '/', async ({ page, errors }) => {
    const row = page.locator('.operation-table tbody tr').nth(2);
    const id = await row.getAttribute('data-operation-id');
    await row.locator('.row-link').click();
    await page.waitForURL(new RegExp(`[?&]op=${id}`));
    const detail = page.locator(`.detail[data-operation-id="${id}"]`);
    await detail.waitFor();
    assert.ok(await page.locator('.operation-table').isVisible(), 'the list stays beside the detail');
    assert.equal(await row.getAttribute('class'), 'selected');
    assert.match(await detail.locator('.change-description').innerText(), /Customer created|Account update/);
    assert.ok(await detail.locator('.attribute-grid tbody tr').count() > 0, 'the grid lists the fields');
    assert.deepEqual(
      (await detail.locator('.attribute-grid thead th').allInnerTexts()).map((h) => h.trim().toLowerCase()),
      ['field', 'old value', 'new value', 'hq now'],
    );
    assert.equal(await detail.locator('.history li.current').count(), 1, 'the history marks this operation');
    // The same URL, opened fresh, shows the same detail (bookmarkable).
    const again = await openHydrated(browser, new URL(page.url()).pathname + new URL(page.url()).search);
    await again.page.locator(`.detail[data-operation-id="${id}"]`).waitFor();
    await again.page.close();
    assert.deepEqual(again.errors, [], 'a page loaded with an operation open hydrates cleanly');
    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('on a phone the detail is a view of its own, and Back returns to the list', async (t) => {
  await withPage(browser, t, '/', async ({ page }) => {
    await page.locator('.operation-table tbody tr .row-link').first().click();
    await page.locator('.detail').waitFor();
    assert.equal(await page.locator('.operation-table').isVisible(), false, 'the list makes room');
    await page.getByRole('link', { name: /Back to the list/ }).click();
    await page.locator('.operation-table').waitFor({ state: 'visible' });
    assert.equal(await page.locator('.detail').count(), 0);
  }, { width: 390, height: 844 });
});

test('the keyboard walks the list: ↓ to a row, Enter opens it, Esc closes the detail', async (t) => {
  await withPage(browser, t, '/', async ({ page }) => {
    const ids = await page.locator('.operation-table tbody tr').evaluateAll(
      (rows) => rows.map((r) => r.dataset.operationId),
    );
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    const focused = await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.operationId);
    assert.equal(focused, ids[1], 'the second row has the focus');
    await page.keyboard.press('Enter');
    await page.locator(`.detail[data-operation-id="${ids[1]}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.detail') && !location.search.includes('op='));
  });
});
