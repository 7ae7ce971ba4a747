// Screenshots of signed-in pages at phone, tablet and desktop width, for a person to look at.
// usage: CUSTSYNC_URL=… CUSTSYNC_ADMIN_PASSWORD=… node tests/browser/shoot.mjs OUT_DIR [AS] PATH…
// SHOOT_STEPS='[["click", "SELECTOR"], ["fill", "SELECTOR", "TEXT"]]' acts on each page first;
// SHOOT_LOCALE=nb-NO shows the pages in that browser language.
import { mkdirSync } from 'node:fs';
import { BASE_URL, collectErrors, launch } from './helpers.mjs';

const [out = 'target/screenshots', as = 'admin', ...paths] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const locale = process.env.SHOOT_LOCALE;
const browser = await launch(as, locale ? { locale } : {});
for (const path of paths.length ? paths : ['/']) {
  for (const [name, width, height] of [['phone', 390, 844], ['tablet', 768, 1024], ['desktop', 1280, 900]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = collectErrors(page);
    await page.goto(BASE_URL + path);
    await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
    for (const [action, selector, text] of JSON.parse(process.env.SHOOT_STEPS ?? '[]')) {
      if (action === 'click') await page.locator(selector).first().click();
      if (action === 'fill') await page.locator(selector).first().fill(text);
      await page.waitForTimeout(300);
    }
    await page.waitForTimeout(500);
    const file = `${out}/${as}${locale ? `-${locale}` : ''}${path.replace(/[^a-z0-9]+/gi, '-')}-${name}.png`;
    await page.screenshot({ path: file, fullPage: process.env.SHOOT_VIEWPORT !== '1' });
    console.log(file, errors.length ? `console errors: ${errors.join(' | ')}` : 'no console errors');
    await page.close();
  }
}
await browser.close();
