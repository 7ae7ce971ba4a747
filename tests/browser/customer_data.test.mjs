// A customer's data on the admin page (GDPR): a store posts a customer; the admin finds them by
// email, downloads their data as JSON, is refused an erasure typed wrong, erases them with the
// right confirmation, and can no longer find them by that email. Screenshots at 390, 768 and
// 1280 px for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BASE_URL, guarded, launch, openHydrated, runNow } from './helpers.mjs';

const TOKEN = process.env.CUSTSYNC_TOKEN;
const SHOTS = process.env.CUSTSYNC_SHOTS ?? 'target/browser-shots';

let browser;
before(async () => { browser = await launch('admin'); });
after(async () => { await browser?.close(); });

async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [390, 768, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.locator('#customer-data-title').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: false });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('an admin finds a customer by email, downloads their data and erases it with a typed confirmation', { skip: !TOKEN && 'CUSTSYNC_TOKEN is not set' }, async (t) => {
  const guid = randomUUID();
  const email = `erase.${guid.slice(0, 8)}@example.no`;
  const posted = await fetch(`${BASE_URL}/api/v1/operations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      operations: [{
        channel_operation_id: `erase-${guid}`,
        async_account: guid,
        kind: 'create',
        operation_at: new Date().toISOString(),
        fields: [
          { field: 'name', new_value: 'Sletta Personsen' },
          { field: 'email', new_value: email },
          { field: 'street', new_value: 'Glemselvegen 7' },
          { field: 'city', new_value: 'Bergen' },
          { field: 'zip', new_value: '5013' },
          { field: 'country', new_value: 'NO' },
        ],
      }],
    }),
  });
  assert.equal(posted.status, 200, await posted.text());

  const { page, errors } = await openHydrated(browser, '/admin');
  page.setDefaultTimeout(20_000);
  await guarded(t, page, async () => {
    await runNow(page, 'PJob');
    await runNow(page, 'SynchronizeCustomers');
    const section = page.locator('section[aria-labelledby="customer-data-title"]');
    await section.getByLabel('Find by').selectOption('email');
    await section.getByLabel('Value').fill(email);
    const found = section.locator('.customer-data');
    // Until the P-job has staged it, nobody holds the email: ask again.
    for (let tries = 0; !(await found.isVisible()); tries += 1) {
      assert.ok(tries < 60, 'the posted customer was never found');
      await section.getByRole('button', { name: 'Find', exact: true }).click();
      await page.waitForTimeout(500);
    }
    assert.match(await found.innerText(), new RegExp(guid));
    const confirm = await found.locator('form.erase-form').getAttribute('data-confirm');
    assert.ok(confirm, 'the erasure says what to type');
    await shoot(page, 'customer-data-found');

    // The download is the person's data as one JSON document.
    const href = await found.getByRole('link', { name: 'Download data (JSON)' }).getAttribute('href');
    assert.match(href, /^\/customer-data\.json\?email=/);
    const download = await page.request.get(BASE_URL + href);
    assert.equal(download.status(), 200);
    const document = await download.json();
    assert.ok(document.tables.operations.some((o) => o.async_account === guid), 'her operation is in it');
    assert.ok(JSON.stringify(document.tables.operation_fields).includes(email));

    // Typed wrong: refused, naming the field; typed right: erased.
    await found.getByLabel(/^Type .* to confirm$/).fill('not-the-account');
    await found.getByRole('button', { name: 'Erase personal data' }).click();
    await found.locator('.error-box', { hasText: /confirm/i }).waitFor();
    await found.getByLabel(/^Type .* to confirm$/).fill(confirm);
    await found.getByRole('button', { name: 'Erase personal data' }).click();
    await found.locator('[role="status"]', { hasText: 'Erased.' }).waitFor();
    // Asked again by account: what is left of her.
    await found.locator('dd', { hasText: '[erased]' }).waitFor();
    await found.locator('dt', { hasText: 'Erased' }).waitFor();
    assert.equal(await found.locator('form.erase-form').count(), 0, 'no second erasure offered');
    await shoot(page, 'customer-data-erased');

    // Her email is gone: the lookup finds nobody.
    await section.getByLabel('Find by').selectOption('email');
    await section.getByLabel('Value').fill(email);
    await section.getByRole('button', { name: 'Find', exact: true }).click();
    await section.locator('.error-box', { hasText: /No customer or operation holds this email/ }).waitFor();
    // The refusals are answers (400, each logged by Chromium); nothing else went wrong.
    assert.deepEqual(errors.filter((e) => !/status of 400 \(Bad Request\) \[at [^\]]*\/rpc\/customer-data\//.test(e)), []);
  }, () => page.close());
});
