// Filtering the status list in a real browser: a field filter on a custom attribute, the
// Failed quick filter, the detail of a failed operation with its failing field outlined, and the
// whole filter in the URL (a fresh page from the same address shows the same list).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const rowIds = (page) => page.locator('.operation-table tbody tr').evaluateAll(
  (rows) => rows.map((r) => r.dataset.operationId),
);

test('filter by a custom attribute, open a failed operation, see its error and failing field', async (t) => {
  await withPage(browser, t, '/', async ({ page, errors }) => {
    const form = page.locator('form.add-filter');
    await form.locator('select[name=field]').selectOption('attr:loyalty_tier');
    await form.locator('select[name=operator]').selectOption('eq');
    await form.locator('input[name=value]').fill('VIP');
    await form.getByRole('button', { name: 'Add filter' }).click();
    await page.waitForURL((u) => new URL(u).searchParams.getAll('f').includes('attr:loyalty_tier~eq~VIP'));
    await page.locator('.filter-pill', { hasText: 'Loyalty tier equals “VIP”' }).waitFor();

    await page.locator('a.count-chip.badge-failed').click();
    await page.waitForURL((u) => new URL(u).searchParams.get('status') === 'failed');
    await page.locator('a.count-chip.badge-failed.active').waitFor();
    await page.waitForFunction(() => {
      const badges = [...document.querySelectorAll('.operation-table tbody .badge')];
      return badges.length > 0 && badges.every((b) => b.textContent.includes('Failed'));
    });
    const ids = await rowIds(page);
    assert.ok(ids.length >= 1, 'the demo has failed VIP operations');

    await page.locator('.operation-table tbody tr .row-link').first().click();
    const detail = page.locator(`.detail[data-operation-id="${ids[0]}"]`);
    await detail.waitFor();
    assert.match(await detail.locator('.last-error').innerText(), /Loyalty tier/);
    const failing = detail.locator('.attribute-grid tr.failing');
    assert.equal(await failing.count(), 1, 'one field outlined');
    assert.equal(await failing.getAttribute('data-field'), 'attr:loyalty_tier');
    assert.match(await failing.innerText(), /VIP/);

    // The address alone brings back the same view.
    const url = new URL(page.url());
    const again = await openHydrated(browser, url.pathname + url.search);
    try {
      assert.deepEqual(await rowIds(again.page), ids);
      await again.page.locator('.filter-pill', { hasText: 'Loyalty tier equals “VIP”' }).waitFor();
      await again.page.locator(`.detail[data-operation-id="${ids[0]}"] tr.failing`).waitFor();
      assert.deepEqual(again.errors, [], 'the bookmarked view hydrates cleanly');
    } finally {
      await again.page.close();
    }
    // Back undoes the last step (the detail), then the quick filter.
    await page.goBack();
    await page.waitForFunction(() => !document.querySelector('.detail'));
    await page.goBack();
    await page.waitForFunction(() => !location.search.includes('status=failed'));
    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('a filter the address cannot hold is refused with a message naming it', async (t) => {
  await withPage(browser, t, '/?f=password~eq~x', async ({ page }) => {
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /f: .*not a customer field/);
  });
});
