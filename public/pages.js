// Page changes without page loads. The server renders every page; following a link, sending a
// GET form, going back or forward, or a live refresh (the `custsync:refresh` event) fetches the
// next page and morphs the current one into it (morphdom), so nothing flickers, panes keep their
// scroll and the islands (the parts the WebAssembly client runs) keep their state. An island
// whose props changed is replaced and hydrated anew; a new island is hydrated.
//
// Anything unusual (another site, a download, a new tab, an answer that is not a page, a
// failure) is left to the browser: a plain page load still works.
import morphdom from './pkg/morphdom.js';

let latest = 0;
/** The page being fetched for a link, a form or Back (not a refresh), if any. */
let navigating = null;
/** A refresh is being fetched; `again`: another change came meanwhile; `afterVisit`: a change
 * came while a link was loading (its page may predate the change). */
const refreshing = { now: false, again: false, afterVisit: false };
const hydrated = new WeakSet();

/** Whether the page shows one pane at a time (list or detail), so a new view starts at the top. */
const narrow = () => window.matchMedia('(max-width: 1023.98px)').matches;

async function visit(url, { push = true, restoreScroll = null } = {}) {
  const visitNumber = ++latest;
  navigating = url;
  try {
    await show(url, visitNumber, { push, restoreScroll, refreshing: false });
  } finally {
    if (visitNumber === latest) {
      navigating = null;
      if (refreshing.afterVisit) {
        refreshing.afterVisit = false;
        refresh();
      }
    }
  }
}

/**
 * Draws the current page again. A change that comes while a link is loading waits for it, then
 * draws its page again; changes that come while a refresh is on its way make one more, not one
 * each.
 */
async function refresh() {
  if (navigating !== null) {
    refreshing.afterVisit = true;
    return;
  }
  if (refreshing.now) {
    refreshing.again = true;
    return;
  }
  refreshing.now = true;
  try {
    do {
      refreshing.again = false;
      await show(window.location.href, ++latest, { push: false, restoreScroll: null, refreshing: true });
    } while (refreshing.again && navigating === null);
  } finally {
    refreshing.now = false;
  }
}

/**
 * Fetches `url` and morphs the page into it. A refresh that fails (the server restarting, an
 * error page, the session ended) leaves the page as it is, so nothing typed is lost; when the
 * session ended and nobody is typing, the browser goes to sign-in. A link that fails is left
 * to the browser.
 */
async function show(url, visitNumber, { push, restoreScroll, refreshing }) {
  let answer;
  try {
    answer = await fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
  } catch {
    if (!refreshing && visitNumber === latest) window.location.assign(url);
    return;
  }
  const type = answer.headers.get('content-type') ?? '';
  if (refreshing && (!answer.ok || answer.redirected || !type.startsWith('text/html'))) {
    const signedOut = answer.redirected && new URL(answer.url).pathname === '/sign-in';
    if (signedOut && !document.querySelector('leptos-island[data-keep]')) {
      window.location.assign(url);
    }
    return;
  }
  if (!type.startsWith('text/html')) {
    if (visitNumber === latest) window.location.assign(url);
    return;
  }
  const html = await answer.text();
  if (visitNumber !== latest) return; // a newer visit started meanwhile
  const next = new DOMParser().parseFromString(html, 'text/html');
  const finalUrl = answer.redirected ? answer.url : url;
  const samePath = new URL(finalUrl, window.location.href).pathname === window.location.pathname;
  if (push) {
    saveScroll();
    window.history.pushState({ scroll: 0 }, '', finalUrl);
  } else if (finalUrl !== window.location.href) {
    window.history.replaceState(window.history.state, '', finalUrl);
  }
  const anchor = push && samePath && !narrow() ? rowAnchor(next) : null;
  morph(next);
  if (restoreScroll !== null) {
    window.scrollTo(0, restoreScroll);
  } else if (anchor !== null) {
    keepRowInPlace(anchor);
  } else if (push && (!samePath || narrow())) {
    window.scrollTo(0, 0);
  }
}

/**
 * On a wide screen, the row a person opens (or the one whose detail they close) and where it
 * stands in the window now: the list and the detail side by side scroll each on its own, the
 * list alone scrolls with the window, so the row must be put back where it was by hand.
 */
function rowAnchor(next) {
  const key =
    next.querySelector('.list-side tr.selected')?.dataset.key ??
    document.querySelector('.list-side tr.selected')?.dataset.key;
  const row = key === undefined ? null : document.querySelector(`.list-side tr[data-key="${CSS.escape(key)}"]`);
  return row ? { key, top: row.getBoundingClientRect().top } : null;
}

/** Scrolls the list (its pane beside a detail, or else the window) so the anchor's row stands
 * where it stood, as far as the list lets it. */
function keepRowInPlace({ key, top }) {
  const row = document.querySelector(`.list-side tr[data-key="${CSS.escape(key)}"]`);
  if (!row) return;
  const pane = document.querySelector('.status-page.has-detail > .list-side');
  if (pane) {
    window.scrollTo(0, 0);
    pane.scrollTop += row.getBoundingClientRect().top - top;
  } else {
    window.scrollBy(0, row.getBoundingClientRect().top - top);
  }
}

function morph(next) {
  document.title = next.title;
  document.documentElement.lang = next.documentElement.lang;
  document.documentElement.dataset.tz = next.documentElement.dataset.tz ?? 'UTC';
  const replaced = [];
  const added = [];
  morphdom(document.body, next.body, {
    // Keys are unique per kind of element: an operation is a row, a history line and an island.
    getNodeKey: (node) =>
      node.id || (node.dataset?.key !== undefined ? `${node.tagName}:${node.dataset.key}` : undefined),
    onBeforeElUpdated(from, to) {
      if (from.tagName === 'LEPTOS-ISLAND') {
        if (!sameIsland(from, to)) replaced.push([from, to]);
        return false; // an island's own DOM belongs to the island
      }
      // What the person is doing stays: the field they type in, a menu they opened.
      if (from === document.activeElement && ['INPUT', 'SELECT', 'TEXTAREA'].includes(from.tagName)) {
        return false;
      }
      if (from.tagName === 'DETAILS') to.open = from.open;
      if (from.hasAttribute('data-hydrated')) to.setAttribute('data-hydrated', 'true');
      return !from.isEqualNode(to);
    },
    onNodeAdded(node) {
      if (node.nodeType === Node.ELEMENT_NODE) added.push(node);
      return node;
    },
  });
  for (const [from, to] of replaced) {
    const fresh = document.importNode(to, true);
    from.replaceWith(fresh);
    added.push(fresh);
  }
  for (const node of added) {
    const islands = node.tagName === 'LEPTOS-ISLAND' ? [node] : node.querySelectorAll('leptos-island');
    for (const island of islands) hydrate(island);
  }
}

/**
 * Whether `from` stays as it is rather than be replaced by `to`: the same island with the same
 * props, or one that asked to be kept (`data-keep`: an open editor) and shows the same thing
 * (its first element's `data-key`).
 */
function sameIsland(from, to) {
  if (from.dataset.component !== to.dataset.component) return false;
  if (from.dataset.props === to.dataset.props) return true;
  const key = (island) => island.querySelector('[data-key]')?.dataset.key;
  return from.dataset.keep !== undefined && key(from) === key(to);
}

function hydrate(island) {
  if (hydrated.has(island) || !island.isConnected || !window.__hydrateIsland) return;
  hydrated.add(island);
  window.__hydrateIsland(island, island.dataset.component);
}

function saveScroll() {
  window.history.replaceState({ ...(window.history.state ?? {}), scroll: window.scrollY }, '');
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || link.target || link.hasAttribute('download')) return;
  if (link.origin !== window.location.origin || link.dataset.reload !== undefined) return;
  if (link.pathname === window.location.pathname && link.search === window.location.search && link.hash) return;
  event.preventDefault();
  // A menu's choice closes the menu (the Columns menu would cover the table it changed).
  link.closest('details.column-chooser')?.removeAttribute('open');
  visit(link.href);
});

document.addEventListener('submit', (event) => {
  if (event.defaultPrevented) return;
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'get') return;
  // A download (the CSV export) is the browser's to fetch; its menu closes.
  if (form.dataset.reload !== undefined) {
    form.closest('details')?.removeAttribute('open');
    return;
  }
  const url = new URL(form.action, window.location.href);
  if (url.origin !== window.location.origin) return;
  url.search = new URLSearchParams(new FormData(form, event.submitter)).toString();
  event.preventDefault();
  visit(url.href);
});

window.addEventListener('popstate', (event) => {
  visit(window.location.href, { push: false, restoreScroll: event.state?.scroll ?? null });
});

window.addEventListener('custsync:refresh', () => {
  refresh();
});

// The reader's time zone, remembered in a cookie (like the language) so the server draws every
// time in it (app/src/locale/zone.rs). The very first page is drawn in UTC: once the cookie is
// new, a page that shows times is drawn again in the zone.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const zoneCookie = `tz=${zone}`;
if (zone && !document.cookie.split('; ').includes(zoneCookie)) {
  document.cookie = `${zoneCookie}; path=/; max-age=31536000; samesite=lax`;
  if (document.documentElement.dataset.tz !== zone && document.querySelector('time')) refresh();
}
