// Layout on a phone (390 px) and a tablet (768 px, touch), in English and Norwegian: on the list
// with every choosable column, a failed create's detail, the editor, the change log and the
// administration page, nothing is wider than the viewport, no container cuts its content off, no
// word is broken in the middle, and every button, link and input a finger uses is 44 px high.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { guarded, launch, openHydrated } from './helpers.mjs';

const VIEWPORTS = [
  ['phone', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }],
  ['tablet', { viewport: { width: 768, height: 1024 }, hasTouch: true }],
];
const LOCALES = ['en-GB', 'nb-NO'];
const EVERY_COLUMN = '/?status=failed&cols=kind,retries,entity,error';

let operator;
let admin;
before(async () => { operator = await launch('operator'); admin = await launch('admin'); });
after(async () => { await operator?.close(); await admin?.close(); });

/**
 * What is wrong with the page's layout, as sentences (none: an empty list). Runs in the page.
 * A container may scroll or clip only what it was made to hide (visually hidden text).
 */
function layoutProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => {
    const classes = [...el.classList].slice(0, 2).map((c) => `.${c}`).join('');
    const text = (el.innerText ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return `${el.tagName.toLowerCase()}${classes}${text ? ` “${text}”` : ''}`;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && el.checkVisibility({ visibilityProperty: true });
  };
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px viewport`);
  }
  // A text field scrolls its own value; anything else shows all it holds.
  for (const el of document.querySelectorAll('body *:not(input, textarea, select)')) {
    if (!visible(el)) continue;
    const style = getComputedStyle(el);
    if (['hidden', 'clip', 'auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${name(el)} holds ${el.scrollWidth} px in ${el.clientWidth} px`);
    }
  }
  // Targets a finger uses: at least 44 px high (a checkbox counts with the cell or label around
  // it, a row's link with the row it covers).
  const targets = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    const box = ['checkbox', 'radio'].includes(el.type) ? (el.closest('label, td, th') ?? el)
      : el.classList.contains('row-link') ? el.closest('tr') : el;
    const r = box.getBoundingClientRect();
    if (r.height < 43.5) problems.push(`${name(el)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
  }
  // Words on one line each: words of letters (a value with digits, dots or @ may break where it
  // must); "Country/region" may break after its slash, not inside "region".
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !visible(parent) || parent.closest('code, .visually-hidden, script, style')) continue;
    for (const token of node.textContent.matchAll(/\S+/gu)) {
      const word = token[0].replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, '');
      if (!/^\p{L}+([/-]\p{L}+)*$/u.test(word)) continue;
      for (const match of word.matchAll(/\p{L}{2,}/gu)) {
        const start = token.index + token[0].indexOf(word) + match.index;
        range.setStart(node, start);
        range.setEnd(node, start + match[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) problems.push(`“${match[0]}” is broken over ${lines.size} lines in ${name(parent)}`);
      }
    }
  }
  return [...new Set(problems)];
}

/**
 * Opens `path` for `who` in `locale` at `size`, runs `act(page)` first if given, checks the
 * layout, and runs `undo(page)` (if given) whatever the outcome.
 */
async function checkLayout(t, who, locale, size, path, { act, undo } = {}) {
  const context = await who.newContext({ locale, ...size });
  const { page, errors } = await openHydrated(context, path, size.viewport);
  await guarded(t, page, async () => {
    try {
      if (act) await act(page);
      await page.waitForTimeout(200);
      assert.deepEqual(await page.evaluate(layoutProblems), [], `${path} at ${size.viewport.width} px in ${locale}`);
      assert.deepEqual(errors, [], 'no console errors');
    } finally {
      if (undo) await undo(page);
    }
  }, () => context.close());
}

/**
 * The first failed create's detail link in the list whose value the editor itself finds wrong
 * (a duplicate email, which the demo's live traffic makes now and then, is found by the job).
 */
async function failedCreate(page) {
  const row = page.locator('.operation-table tbody tr', { has: page.locator('.cell-kind', { hasText: /Create|Opprett/ }) })
    .filter({ hasNot: page.locator('.cell-error', { hasText: /already|allerede/ }) })
    .first();
  return row.locator('.row-link').getAttribute('href');
}

for (const [sizeName, size] of VIEWPORTS) {
  for (const locale of LOCALES) {
    test(`the list with every column fits a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, operator, locale, size, EVERY_COLUMN);
    });

    test(`a failed create's detail and its editor fit a ${sizeName} in ${locale}`, async (t) => {
      const { page } = await openHydrated(operator, EVERY_COLUMN);
      const href = await failedCreate(page);
      await page.close();
      assert.ok(href, 'the demo has a failed create');
      await checkLayout(t, operator, locale, size, href);
      await checkLayout(t, operator, locale, size, href, {
        act: async (page) => {
          await page.locator('.detail-actions button').first().click();
          await page.locator('.editor .fix-input[aria-invalid="true"]').first().waitFor();
        },
        undo: async (page) => {
          const cancel = page.locator('.editor-actions button', { hasText: /^(Cancel|Avbryt)$/ });
          if (await cancel.count()) await cancel.click();
        },
      });
    });

    test(`the change log fits a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, operator, locale, size, '/changes');
    });

    test(`the dashboard fits a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, operator, locale, size, '/dashboard');
    });

    test(`the failure groups fit a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, operator, locale, size, '/failures');
    });

    test(`the bulk runs and a run's page fit a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, operator, locale, size, '/bulk');
      const { page } = await openHydrated(operator, '/bulk');
      const run = await page.locator('a[href^="/bulk?run="]').first().getAttribute('href').catch(() => null);
      await page.close();
      if (run) await checkLayout(t, operator, locale, size, run);
    });

    test(`the administration page fits a ${sizeName} in ${locale}`, async (t) => {
      await checkLayout(t, admin, locale, size, '/admin');
    });
  }
}
