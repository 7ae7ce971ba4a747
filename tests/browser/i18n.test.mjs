// The page in Norwegian and English: the switch in the top bar remembers the choice (a cookie)
// and loads the page again, which the server renders in the chosen language from the start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openHydrated, withPage } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the language switch turns the page Norwegian and back, and is remembered', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  await withPage(context, t, '/', async ({ page, errors }) => {
    const switcher = page.locator('button.language-switch');
    assert.equal(await page.locator('h1').innerText(), 'Customer synchronization status');
    await switcher.click();
    await page.locator('h1', { hasText: 'Synkroniseringsstatus for kunder' }).waitFor();
    await page.waitForSelector('.app[data-hydrated="true"]');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nb');
    await page.locator('a.count-chip.badge-failed', { hasText: 'Mislyktes' }).waitFor();
    await page.locator('.operation-table th', { hasText: 'Kanalnavn' }).waitFor();
    await page.locator('.jobs-panel h2', { hasText: 'Faste jobber' }).waitFor();

    // A fresh page from the server comes in Norwegian straight away.
    const again = await openHydrated(context, '/');
    try {
      assert.equal(await again.page.locator('h1').innerText(), 'Synkroniseringsstatus for kunder');
      assert.match(await again.page.locator('.operation-table tbody time').first().innerText(), /^\d\d\.\d\d\.\d{4} kl\. /);
    } finally {
      await again.page.close();
    }
    await switcher.click();
    await page.locator('h1', { hasText: 'Customer synchronization status' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.deepEqual(errors, [], 'no console errors');
  });
});

test("times are shown in the reader's time zone, remembered, with UTC on hover", async (t) => {
  const context = await browser.newContext({ timezoneId: 'Europe/Oslo' });
  t.after(() => context.close());
  await withPage(context, t, '/', async ({ page, errors }) => {
    // The first page was drawn before the server knew the zone; it is drawn again in it.
    const time = page.locator('.operation-table tbody time').first();
    await page.waitForFunction(() => document.documentElement.dataset.tz === 'Europe/Oslo');
    await page.waitForFunction(() => /CES?T$/.test(document.querySelector('.operation-table tbody time')?.textContent ?? ''));
    const instant = new Date(await time.getAttribute('datetime'));
    const oslo = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Oslo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).format(instant);
    assert.ok((await time.innerText()).includes(oslo), `${await time.innerText()} shows ${oslo} in Oslo`);
    assert.match(await time.getAttribute('title'), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/, 'UTC on hover');
    assert.ok(await page.locator('.jobs-panel').evaluate((panel) => !panel.innerText.includes(' UTC')), 'the jobs too');

    // The next page comes from the server in the zone from its first byte.
    const html = await (await context.request.get(page.url())).text();
    assert.match(html, /data-tz="Europe\/Oslo"/);
    assert.match(html, /<time [^>]*>[^<]* CES?T</, "the server drew the times in it");
    assert.deepEqual(errors, [], 'no console errors');
  });
});
