// The live page, with an operation a store posts over the channel API while the page is open:
// it appears in the list by itself once the P-job stages it, and its status in the open detail
// changes by itself when the Synchronize job takes it; no reload, no navigation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE_URL, launch, openHydrated, screenshotOnFailure } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const TOKEN = process.env.CUSTSYNC_TOKEN;

async function jobButton(page, job, name) {
  const card = page.locator('.job-card', { hasText: job });
  return card.getByRole('button', { name, exact: true });
}

test('a posted operation appears and changes status on screen by itself', { skip: !TOKEN && 'CUSTSYNC_TOKEN is not set' }, async (t) => {
  const { page, errors } = await openHydrated(browser, '/');
  const sync = 'Synchronize customers';
  try {
    await page.locator('.live-indicator.on', { hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await (await jobButton(page, sync, 'Pause')).click();
    await (await jobButton(page, sync, 'Resume')).waitFor();
    await page.evaluate(() => { window.__stillTheSamePage = true; });
    const url = page.url();

    const guid = randomUUID();
    const answer = await fetch(`${BASE_URL}/api/v1/operations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        operations: [{
          channel_operation_id: `live-${guid}`,
          async_account: guid,
          kind: 'create',
          operation_at: new Date().toISOString(),
          fields: [
            { field: 'name', new_value: 'Live Testesen' },
            { field: 'email', new_value: `live.${guid.slice(0, 8)}@example.no` },
            { field: 'street', new_value: 'Strandgaten 12' },
            { field: 'city', new_value: 'Bergen' },
            { field: 'zip', new_value: '5013' },
            { field: 'country', new_value: 'NO' },
          ],
        }],
      }),
    });
    assert.equal(answer.status, 200, await answer.text());

    await (await jobButton(page, 'P-job', 'Run now')).click();
    const row = page.locator(`.operation-table tbody tr:has(code[title="${guid}"])`);
    await row.waitFor({ timeout: 60_000 });
    await row.locator('.row-link').click();
    const detail = page.locator('.detail');
    await detail.locator('.detail-title-row .badge', { hasText: 'Pending' }).waitFor();
    const marker = await page.evaluate(() => window.__stillTheSamePage);

    await (await jobButton(page, sync, 'Resume')).click();
    await (await jobButton(page, sync, 'Run now')).click();
    await detail.locator('.detail-title-row .badge', { hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
    assert.match(await detail.locator('.detail-title-row .detail-account').innerText(), /^[A-Z]{2}\d+$/, 'the real account');
    assert.equal(marker, true, 'the row appeared without a reload');
    assert.equal(await page.evaluate(() => window.__stillTheSamePage), true, 'no reload');
    assert.ok(new URL(page.url()).search.includes('op='), 'only the row was opened');
    assert.equal(new URL(url).pathname, new URL(page.url()).pathname);
    assert.deepEqual(errors, [], 'no console errors');
  } catch (e) {
    await screenshotOnFailure(t, page);
    throw e;
  } finally {
    const resume = await jobButton(page, sync, 'Resume');
    if (await resume.count()) await resume.click().catch(() => {});
    await page.close();
  }
});
