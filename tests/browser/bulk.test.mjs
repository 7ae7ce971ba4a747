// Triage at scale in Chromium: a till sends 500 creates with a doubled @ in the receipt email;
// the failures page shows them as one group of 500; the operator opens it, selects all 500,
// previews the rule @@ → @ (500 change, 500 will pass), confirms with synchronize, watches the
// run finish with 500 real customers, finds the run's 500 lines in the change log, and reverts
// it (each already synchronized, so left alone and said so). Screenshots at 768 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BASE_URL, guarded, launch, openHydrated, runNow } from './helpers.mjs';

const TOKEN = process.env.CUSTSYNC_TOKEN;
const needsToken = { skip: !TOKEN && 'CUSTSYNC_TOKEN is not set' };
const SHOTS = process.env.CUSTSYNC_SHOTS ?? 'target/browser-shots';

let operator;
before(async () => { operator = await launch('operator'); });
after(async () => { await operator?.close(); });

/**
 * Posts `n` creates with a doubled @ in their receipt emails, all made on `day` (a day of its
 * own, long before the demo's history, so the failures page can show exactly them).
 */
async function postDoubledAt(n, day) {
  const operations = Array.from({ length: n }, (_, i) => {
    const guid = randomUUID();
    return {
      channel_operation_id: `bulk-${guid}`,
      async_account: guid,
      kind: 'create',
      operation_at: `${day}T09:${String(i % 60).padStart(2, '0')}:00Z`,
      fields: [
        { field: 'name', new_value: `Masse Rettesen ${i}` },
        { field: 'receipt_option', new_value: 'Email' },
        { field: 'receipt_email', new_value: `masse.${guid.slice(0, 8)}@@example.no` },
      ],
    };
  });
  const answer = await fetch(`${BASE_URL}/api/v1/operations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ operations }),
  });
  assert.equal(answer.status, 200, await answer.text());
}

/** Opens `path` in `page` and waits until the client brought it to life (leaving a page
 * before that would log the interrupted hydration as console errors). */
async function visit(page, path) {
  await page.goto(BASE_URL + path);
  await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
}

async function shoot(page, name, top) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [768, 1280]) {
    await page.setViewportSize({ width, height: 1000 });
    if (top) await page.locator(top).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: false });
  }
  await page.setViewportSize({ width: 1280, height: 1000 });
}

test('500 failures of one cause are fixed by one rule, previewed, synchronized and reverted', needsToken, async (t) => {
  const year = 2001 + Math.floor(Math.random() * 18);
  const day = `${year}-03-14`;
  await postDoubledAt(500, day);
  const { page, errors } = await openHydrated(operator, '/');
  await guarded(t, page, async () => {
    // The jobs turn them into 500 Failed operations of one cause.
    const group = page.locator('.failure-group[data-failure-group="invalid_email.receipt_email.invalid_email"]');
    for (let i = 0; i < 60; i++) {
      await runNow(page, 'PJob');
      await runNow(page, 'SynchronizeCustomers');
      await visit(page, `/failures?from=${day}&to=${day}`);
      if (await group.count() && (await group.getAttribute('data-count')) === '500') break;
      await page.waitForTimeout(1000);
    }
    assert.equal(await group.getAttribute('data-count'), '500');
    assert.match(await group.locator('.failure-title').innerText(), /^Receipt email is not a valid email address$/);
    assert.match(await group.innerText(), /500 operations · 1 channel/);
    await shoot(page, 'bulk-failures');

    await group.getByRole('link', { name: 'Show these operations' }).click();
    await page.waitForURL(/error=/);
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Select all operations matching this filter' }).click();
    await page.locator('.bulk-selected', { hasText: 'All 500 operations matching this filter are selected' }).waitFor();
    await page.getByRole('button', { name: 'Correct by rule…' }).click();
    const form = page.locator('.rule-form');
    await form.getByLabel('Field').selectOption('receipt_email');
    await form.getByLabel('Change').selectOption('replace');
    await form.getByLabel('Find').fill('@@');
    await form.getByLabel('Replace with').fill('@');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('.bulk-preview');
    await preview.waitFor();
    assert.match(await preview.locator('.bulk-preview-counts').innerText(), /500 of 500 operations change\.\s+500 will pass validation\./);
    assert.equal(await preview.locator('.bulk-changes tbody tr').count(), 20, 'a page of changes');
    assert.match(await preview.locator('.bulk-changes tbody tr').first().innerText(), /@@example\.no\s*→\s*masse\.[0-9a-f]{8}@example\.no/);
    await preview.getByRole('button', { name: 'Show more changes' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.bulk-changes tbody tr').length > 20);
    await shoot(page, 'bulk-preview', '.bulk-bar');
    assert.equal(await preview.getByLabel('and synchronize each operation at once').isChecked(), true);
    await preview.getByRole('button', { name: 'Confirm: change 500 operations' }).click();

    // The run's own page follows it live to the end.
    await page.waitForURL(/\/bulk\?run=\d+/);
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
    const runId = new URL(page.url()).searchParams.get('run');
    await page.locator('.bulk-status-finished').waitFor({ timeout: 120_000 });
    const counts = await page.locator('.bulk-counts').innerText();
    assert.match(counts, /Changed\s+500/i);
    assert.match(counts, /Synchronized\s+500/i);
    await shoot(page, 'bulk-run');

    await visit(page, `/?from=${day}&to=${day}`);
    assert.equal(await page.locator('.count-chip.badge-succeeded .count-value').innerText(), '500');
    assert.equal(await page.locator('.count-chip.badge-failed .count-value').innerText(), '0');

    await visit(page, `/changes?bulk=${runId}`);
    const lines = page.locator('.change-log tbody tr');
    await lines.first().waitFor();
    assert.equal(await lines.count(), 50, 'a full page of the run\'s lines');
    assert.equal(await page.locator(`.change-log a.bulk-run-link[href="/bulk?run=${runId}"]`).count(), 50);

    await visit(page, `/bulk?run=${runId}`);
    await page.getByRole('button', { name: 'Revert this correction' }).click();
    await page.waitForURL((url) => url.searchParams.get('run') !== runId);
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
    await page.locator('.bulk-status-finished').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.bulk-run-meta').innerText(), new RegExp(`Reverts bulk run #${runId}`));
    assert.match(await page.locator('.bulk-outcomes').innerText(), /500 left alone: it was synchronized since/);
    assert.deepEqual(errors, [], 'no console errors');
  }, () => page.close());
});

test('rows picked one by one are what a bulk action acts on', async (t) => {
  const { page, errors } = await openHydrated(operator, '/?status=failed');
  await guarded(t, page, async () => {
    const boxes = page.locator('input.row-pick');
    assert.ok(await boxes.count() >= 2, 'the demo has Failed operations');
    const ids = [await boxes.nth(0).getAttribute('value'), await boxes.nth(1).getAttribute('value')];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.locator('.bulk-selected', { hasText: '2 picked operations are selected' }).waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.waitForURL(/\/bulk\?run=\d+/);
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
    await page.locator('.bulk-status-finished').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.bulk-counts').innerText(), /Selected\s+2\b/i);
    const open = page.getByRole('link', { name: 'Open the selection in the list' });
    assert.match(decodeURIComponent(await open.getAttribute('href')), new RegExp(`ids=${ids[0]},${ids[1]}`));
    assert.deepEqual(errors, [], 'no console errors');
  }, () => page.close());
});
