// The correction workflow in Chromium: an operator corrects a failed receipt email in place
// (each keystroke checked, Save disabled while it is wrong), saves and synchronizes, and sees
// the real account and the change log line; two people editing the same operation, the second
// save shows the conflict; a viewer's forged Save is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE_URL, guarded, launch, openHydrated, runNow } from './helpers.mjs';

const TOKEN = process.env.CUSTSYNC_TOKEN;
const needsToken = { skip: !TOKEN && 'CUSTSYNC_TOKEN is not set' };

let operator;
let admin;
before(async () => { operator = await launch('operator'); admin = await launch('admin'); });
after(async () => { await operator?.close(); await admin?.close(); });

/** A customer's fields beside the receipt email: enough to make the editor's grid long. */
const moreFields = (guid) => [
  ['first_name', 'Rettes'], ['last_name', 'Testesen'], ['email', `rettes.${guid.slice(0, 8)}.home@example.no`],
  ['cellular_phone', '+47 912 34 567'], ['street', 'Storgata 1'], ['zip', '0155'],
  ['city', 'Oslo'], ['country', 'NO'], ['language', 'nb-NO'], ['currency', 'NOK'],
  ['customer_group', 'RETAIL'],
].map(([field, new_value]) => ({ field, new_value }));

/** Posts creates with a bad receipt email over the channel API (`long`: with many more
 * fields); returns their async accounts. */
async function postBadEmails(n, { long = false } = {}) {
  const guids = Array.from({ length: n }, () => randomUUID());
  const answer = await fetch(`${BASE_URL}/api/v1/operations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      operations: guids.map((guid) => ({
        channel_operation_id: `fix-${guid}`,
        async_account: guid,
        kind: 'create',
        operation_at: new Date().toISOString(),
        fields: [
          { field: 'name', new_value: 'Rettes Testesen' },
          { field: 'receipt_option', new_value: 'Email' },
          { field: 'receipt_email', new_value: `rettes.${guid.slice(0, 8)}@@example` },
          ...(long ? moreFields(guid) : []),
        ],
      })),
    }),
  });
  assert.equal(answer.status, 200, await answer.text());
  return guids;
}

/** Opens the detail of the operation of `guid` once the jobs have made it Failed. */
async function openFailed(page, guid) {
  const row = page.locator(`.operation-table tbody tr:has(code[title="${guid}"])`);
  for (let i = 0; i < 30 && !(await row.count()); i++) {
    await runNow(page, 'PJob');
    await page.waitForTimeout(1000);
  }
  await row.locator('.row-link').click();
  const detail = page.locator('.detail');
  for (let i = 0; i < 30; i++) {
    if (await detail.locator('.detail-title-row .badge', { hasText: 'Failed' }).count()) break;
    await runNow(page, 'SynchronizeCustomers');
    await page.waitForTimeout(1000);
  }
  await detail.locator('.detail-title-row .badge', { hasText: 'Failed' }).waitFor();
  return detail;
}

test('an operator corrects a bad receipt email, saves and synchronizes, and the change log shows it', needsToken, async (t) => {
  const [guid] = await postBadEmails(1);
  const { page, errors } = await openHydrated(operator, '/');
  await guarded(t, page, async () => {
    const detail = await openFailed(page, guid);
    await detail.getByRole('button', { name: 'Correct', exact: true }).click();
    const input = detail.locator('#fix-receipt_email');
    await input.waitFor();
    await detail.locator('.detail-title-row .badge', { hasText: 'Editing' }).waitFor();
    const row = detail.locator('tr[data-field="receipt_email"]');
    const saveAndSync = detail.getByRole('button', { name: 'Save and synchronize' });

    await input.fill('rettes@');
    await row.locator('.field-message', { hasText: 'is not a valid email address' }).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(await saveAndSync.isDisabled(), true, 'Save is disabled while a value is wrong');
    assert.equal(await detail.getByRole('button', { name: 'Save', exact: true }).isDisabled(), true);

    await input.fill(`rettes.${guid.slice(0, 8)}@example.no`);
    await page.waitForFunction(() => !document.querySelector('tr[data-field="receipt_email"] .field-message')?.textContent);
    assert.equal(await saveAndSync.isDisabled(), false);
    await detail.getByLabel('Reason (optional)').fill('typo at the till');
    await saveAndSync.click();

    await detail.locator('.detail-title-row .badge', { hasText: 'Succeeded' }).waitFor({ timeout: 30_000 });
    assert.match(await detail.locator('.detail-title-row h2').innerText(), /^Rettes Testesen [A-Z]{2}\d+$/, 'the name and the real account');
    await detail.locator('.notice', { hasText: /Synchronized: customer [A-Z]{2}\d+/ }).waitFor();
    const line = detail.locator('.timeline li[data-action="correct"]');
    assert.match(await line.innerText(), /operator\s+corrected\s+Receipt email/);
    assert.match(await line.innerText(), /@@example\s*→\s*rettes\..*@example\.no/);
    assert.match(await line.innerText(), /typo at the till/);

    await page.goto(`${BASE_URL}/changes?field=receipt_email&who=operator`);
    await page.locator('.change-log tbody tr', { hasText: `rettes.${guid.slice(0, 8)}@example.no` }).first().waitFor();
    assert.deepEqual(errors, [], 'no console errors');
  }, () => page.close());
});

test('on a tablet, the outcome of Save and synchronize is brought into view and takes the focus', needsToken, async (t) => {
  const [guid] = await postBadEmails(1, { long: true });
  const { page, errors } = await openHydrated(operator, '/', { width: 768, height: 1024 });
  await guarded(t, page, async () => {
    const detail = await openFailed(page, guid);
    await detail.getByRole('button', { name: 'Correct', exact: true }).click();
    await detail.locator('#fix-receipt_email').fill(`rettes.${guid.slice(0, 8)}@example.no`);
    const saveAndSync = detail.getByRole('button', { name: 'Save and synchronize' });
    await saveAndSync.scrollIntoViewIfNeeded();
    const scrolledTo = await page.evaluate(() => window.scrollY);
    assert.ok(scrolledTo > 300, `the Save button is far down the page (${scrolledTo} px)`);
    await saveAndSync.click();

    // The page is drawn again with the new status; the notice comes back in it.
    await detail.locator('.detail-title-row .badge', { hasText: 'Succeeded' }).waitFor({ timeout: 30_000 });
    await detail.locator('.notice', { hasText: /Synchronized: customer [A-Z]{2}\d+/ }).waitFor();
    await page.waitForFunction(() => document.activeElement?.classList.contains('notice'));
    const inView = (selector) => page.evaluate((selector) => {
      const box = document.querySelector(selector).getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }, selector);
    // Scrolling is smooth nowhere here, but give the page a moment to settle.
    await page.waitForFunction(() => {
      const box = document.querySelector('.detail .notice').getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    assert.ok(await inView('.detail .notice'), 'the notice is inside the viewport');
    assert.ok(await inView('.detail-title-row .badge'), 'the new status is inside the viewport');
    const topBar = await page.evaluate(() => document.querySelector('.top-bar').getBoundingClientRect().bottom);
    const title = await page.evaluate(() => document.querySelector('.detail-title-row').getBoundingClientRect().top);
    assert.ok(title >= topBar, `the title (${title}) is not under the top bar (${topBar})`);
    assert.deepEqual(errors, [], 'no console errors');
  }, () => page.close());
});

test('when two people correct the same operation, the second save shows the conflict and overwrites nothing', needsToken, async (t) => {
  const [guid] = await postBadEmails(1);
  const first = await openHydrated(operator, '/');
  const second = await openHydrated(admin, '/');
  await guarded(t, second.page, async () => {
    const mine = await openFailed(first.page, guid);
    const theirs = await openFailed(second.page, guid);
    await mine.getByRole('button', { name: 'Correct', exact: true }).click();
    await theirs.getByRole('button', { name: 'Correct', exact: true }).click();
    await mine.locator('#fix-receipt_email').fill('first@example.no');
    await theirs.locator('#fix-receipt_email').fill('second@example.no');
    await mine.getByRole('button', { name: 'Save', exact: true }).click();
    await mine.locator('.notice', { hasText: 'Saved.' }).waitFor();

    await theirs.getByRole('button', { name: 'Save', exact: true }).click();
    const conflict = theirs.locator('.conflict');
    await conflict.waitFor();
    assert.match(await conflict.innerText(), /Someone else changed this operation/);
    assert.match(await conflict.innerText(), /Last change by operator/);
    const field = conflict.locator('tr[data-field="receipt_email"]');
    assert.match(await field.innerText(), /@@example\s+first@example\.no\s+second@example\.no/);

    await conflict.getByRole('button', { name: 'Start again from the current values' }).click();
    await conflict.waitFor({ state: 'detached' });
    await theirs.locator('#fix-receipt_email').waitFor();
    assert.equal(await theirs.locator('#fix-receipt_email').inputValue(), 'first@example.no', 'the first save stands');
    await theirs.getByRole('button', { name: 'Cancel' }).click();
    await theirs.getByRole('button', { name: 'Correct', exact: true }).waitFor();
    assert.deepEqual([...first.errors, ...second.errors], [], 'no console errors');
  }, async () => { await first.page.close(); await second.page.close(); });
});

test('a viewer sees no Correct and a forged Save is refused', async (t) => {
  const viewer = await launch('viewer');
  const { page, errors } = await openHydrated(viewer, '/?status=failed');
  await guarded(t, page, async () => {
    await page.locator('.operation-table tbody tr .row-link').first().click();
    await page.locator('.detail').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Correct', exact: true }).count(), 0);
    const id = Number(await page.locator('.detail').getAttribute('data-operation-id'));
    const status = await page.evaluate(async (id) => {
      const answer = await fetch('/rpc/corrections/save', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ correction: { operation_id: id, version: 1, values: { name: 'Forged' } } }),
      });
      return answer.status;
    }, id);
    assert.equal(status, 403, 'the server refuses what the page hides');
    assert.deepEqual(errors.filter((e) => !e.includes('status of 403')), []);
  }, async () => { await page.close(); await viewer.close(); });
});
