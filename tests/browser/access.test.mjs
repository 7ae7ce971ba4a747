// Access control in a real browser: the sign-in form, what each role sees, a forged call
// refused by the server, the admin page's tokens, and signing out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, PEOPLE, collectErrors, guarded, launchChromium } from './helpers.mjs';

let chromium;
before(async () => { chromium = await launchChromium(); });
after(async () => { await chromium?.close(); });

/**
 * Runs `body({ page, errors })` in a fresh browser context (no session), collecting console
 * errors; keeps a screenshot if it fails, and always closes the context.
 */
async function withFreshPage(t, body) {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await guarded(t, page, () => body({ page, errors }), () => context.close());
}

/** Signs in through the form, as a person would. */
async function signInWithForm(page, who) {
  await page.getByLabel(/User name|Brukernavn/).fill(who.name);
  await page.getByLabel(/^(Password|Passord)$/).fill(who.password);
  await page.getByRole('button', { name: /^(Sign in|Logg inn)$/ }).click();
}

test('without a session the page sends you to sign in, and back where you were after', async (t) => {
  await withFreshPage(t, async ({ page }) => {
    await page.goto(BASE_URL + '/?status=failed');
    await page.waitForURL(/\/sign-in\?next=/);
    await signInWithForm(page, { name: 'viewer', password: 'wrong password!' });
    await page.waitForURL(/error=bad_credentials/);
    await page.getByRole('alert').filter({ hasText: 'user name or password is wrong' }).waitFor();
    assert.equal(await page.getByLabel(/User name/).inputValue(), 'viewer', 'the name typed is kept');
    await signInWithForm(page, PEOPLE.viewer);
    await page.waitForURL((url) => url.pathname === '/' && url.search.includes('status=failed'));
    await page.waitForSelector('.app[data-hydrated="true"]');
    await page.locator('.signed-in-name', { hasText: 'viewer' }).waitFor();
  });
});

test('a viewer sees no job controls, and a forged Run now call is refused with 403', async (t) => {
  await withFreshPage(t, async ({ page, errors }) => {
    await page.goto(BASE_URL + '/sign-in');
    await signInWithForm(page, PEOPLE.viewer);
    await page.waitForSelector('.app[data-hydrated="true"]');
    await page.locator('.job-card').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Run now' }).count(), 0, 'no Run now');
    assert.equal(await page.getByRole('button', { name: /^(Pause|Resume)$/ }).count(), 0, 'no Pause');
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0, 'no admin link');
    const status = await page.evaluate(async () => {
      const answer = await fetch('/rpc/jobs/action', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'job=Distribution&action=RunNow',
      });
      return answer.status;
    });
    assert.equal(status, 403, 'the server refuses what the page hides');
    const unexpected = errors.filter((e) => !e.includes('status of 403'));
    assert.deepEqual(unexpected, [], 'no console errors but the refused call');
  });
});

test('an operator may run a job now but not pause it', async (t) => {
  await withFreshPage(t, async ({ page }) => {
    await page.goto(BASE_URL + '/sign-in');
    await signInWithForm(page, PEOPLE.operator);
    await page.waitForSelector('.app[data-hydrated="true"]');
    await page.locator('.job-card').first().waitFor();
    // One per job: P-job, Synchronize customers, 1010 distribution, Retention.
    assert.equal(await page.getByRole('button', { name: 'Run now' }).count(), 4);
    assert.equal(await page.getByRole('button', { name: /^(Pause|Resume)$/ }).count(), 0);
  });
});

test('an admin creates a channel token, sees it once, revokes it, and signs out', async (t) => {
  await withFreshPage(t, async ({ page, errors }) => {
    await page.goto(BASE_URL + '/sign-in?next=/admin');
    await signInWithForm(page, PEOPLE.admin);
    await page.waitForURL(/\/admin$/);
    await page.waitForSelector('.app[data-hydrated="true"]');
    await page.getByRole('heading', { name: 'Channel API tokens' }).waitFor();
    const before = await page.locator('tr[data-token]').count();
    await page.getByLabel('Label').fill('browser test till');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.locator('.new-token code').innerText();
    assert.match(token, /^cst_[0-9a-f]{64}$/);
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-token]').length === n + 1, before);
    const row = page.locator('tr[data-token]', { hasText: 'browser test till' }).first();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked').waitFor();
    await page.locator('.audit-table', { hasText: 'token.revoke' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in\?error=signed_out/);
    await page.getByText('You are signed out.').waitFor();
    await page.goto(BASE_URL + '/admin');
    await page.waitForURL(/\/sign-in\?next=/);
    assert.deepEqual(errors, [], 'no console errors');
  });
});
