// A possible duplicate in Chromium: a store creates a customer, then the same person again
// under a new GUID (same email, phone written otherwise); the Synchronize job holds the second
// as a Possible duplicate; an operator opens it, compares the two side by side (the matching
// fields marked), links it, and the channel's 1010 feed maps the second GUID to the existing
// account. Screenshots at 390, 768 and 1280 px for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BASE_URL, guarded, launch, openHydrated, runNow } from './helpers.mjs';

const TOKEN = process.env.CUSTSYNC_TOKEN;
const CHANNEL = 'BGO-STS';
const SHOTS = process.env.CUSTSYNC_SHOTS ?? 'target/browser-shots';
const needsToken = { skip: !TOKEN && 'CUSTSYNC_TOKEN is not set' };

let operator;
before(async () => { operator = await launch('operator'); });
after(async () => { await operator?.close(); });

/** Posts a create of `fields` for `guid` as the store would. */
async function postCreate(guid, fields) {
  const answer = await fetch(`${BASE_URL}/api/v1/operations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      operations: [{
        channel_operation_id: `dup-${guid}`,
        async_account: guid,
        kind: 'create',
        operation_at: new Date().toISOString(),
        fields: Object.entries(fields).map(([field, new_value]) => ({ field, new_value })),
      }],
    }),
  });
  assert.equal(answer.status, 200, await answer.text());
}

/** Reads the channel's feed from `after` to its end: the entries and the last cursor. */
async function readFeed(after) {
  const entries = [];
  let cursor = after;
  for (;;) {
    const answer = await fetch(`${BASE_URL}/api/v1/channels/${CHANNEL}/customers?after=${cursor}&limit=1000`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(answer.status, 200, await answer.clone().text());
    const page = await answer.json();
    entries.push(...page.customers);
    cursor = page.next_cursor;
    if (!page.has_more) return { entries, cursor };
  }
}

/** Runs the 1010 job until the feed after `cursor` has an entry `wanted` finds. */
async function awaitFeed(page, cursor, wanted) {
  for (let tries = 0; tries < 30; tries += 1) {
    await runNow(page, 'Distribution');
    const found = (await readFeed(cursor)).entries.find(wanted);
    if (found) return found;
    await page.waitForTimeout(1000);
  }
  assert.fail('the feed never had the entry');
}

test('a possible duplicate is compared side by side, linked, and the feed maps its GUID to the existing account', needsToken, async (t) => {
  const [first, second] = [randomUUID(), randomUUID()];
  // This person's own email, phone and address, so that a run never matches an earlier one.
  const email = `dobbel.${first.slice(0, 8)}@example.no`;
  const digits = String(parseInt(first.slice(0, 8), 16) % 10_000_000).padStart(7, '0');
  const phone = `4${digits.slice(0, 1)} ${digits.slice(1, 3)} ${digits.slice(3, 5)} ${digits.slice(5)}`;
  const { cursor: start } = await readFeed(0);
  await postCreate(first, {
    name: 'Dobbel Kundesen', email, phone,
    street: `Torgallmenningen ${digits}`, zip: '5014', city: 'Bergen', country: 'NO',
  });
  const { page, errors } = await openHydrated(operator, '/');
  page.setDefaultTimeout(20_000);
  await guarded(t, page, async () => {
    // The first create becomes a customer, whose account the feed tells.
    const created = await (async () => {
      for (let tries = 0; tries < 30; tries += 1) {
        await runNow(page, 'PJob');
        await runNow(page, 'SynchronizeCustomers');
        await runNow(page, 'Distribution');
        const entry = (await readFeed(start)).entries.find((c) => c.async_account === first);
        if (entry) return entry;
        await page.waitForTimeout(1000);
      }
      assert.fail('the first create never reached the feed');
    })();
    const account = created.account;

    // The same person again at another till: the same email, the phone written otherwise.
    await postCreate(second, { name: 'Dobbel K.', email, cellular_phone: `+47 ${phone.replaceAll(' ', '')}` });
    const row = page.locator(`.operation-table tbody tr:has(code[title="${second}"])`);
    for (let tries = 0; tries < 30 && !(await row.count()); tries += 1) {
      await runNow(page, 'PJob');
      await page.waitForTimeout(1000);
    }
    await row.locator('.row-link').click();
    const detail = page.locator('.detail');
    const held = detail.locator('.detail-title-row .badge', { hasText: 'Possible duplicate' });
    for (let tries = 0; tries < 30 && !(await held.count()); tries += 1) {
      await runNow(page, 'SynchronizeCustomers');
      await page.waitForTimeout(1000);
    }
    await held.waitFor();

    // Side by side: which customer, by which rules, the matching fields marked.
    const compare = detail.locator('section.duplicate');
    await compare.waitFor();
    assert.equal(await compare.getAttribute('data-existing'), account);
    assert.match(await compare.locator('.duplicate-rules').innerText(), /email, phone/);
    await compare.locator('tr.same[data-field="email"]').waitFor();
    await compare.locator('tr.same[data-field="cellular_phone"], tr.same[data-field="phone"]').first().waitFor();
    assert.equal(await compare.locator('tr[data-field="name"].same').count(), 0, 'the names differ');
    assert.equal(await detail.getByRole('button', { name: 'Synchronize', exact: true }).count(), 0,
      'a possible duplicate is decided on, not synchronized as it is');
    mkdirSync(SHOTS, { recursive: true });
    for (const width of [390, 768, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await compare.evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: `${SHOTS}/duplicate-compare-${width}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await compare.getByRole('button', { name: `Link to ${account}` }).click();
    await detail.locator('.notice', { hasText: `Linked to customer ${account}` }).waitFor();
    await page.locator('.detail .detail-title-row .badge', { hasText: 'Succeeded' }).waitFor();

    // The channel learns it through the feed, as for a new account.
    const linked = await awaitFeed(page, start, (c) => c.change === 'linked' && c.async_account === second);
    assert.equal(linked.account, account);
    assert.equal(linked.fields.name, 'Dobbel Kundesen', 'HQ\'s values, not the second till\'s');
    assert.deepEqual(errors, []);
  }, () => page.close());
});
