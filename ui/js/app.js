// The UI's entry point: start-up, the hash router, global keyboard shortcuts, the header, the help line, the start notice and the screen-pop queue.

import * as api from './api.js';
import { h, clear, showError } from './dom.js';
import { state, navigate, loadStatus, loadSettings, kinds, docTypes, requestTypes } from './state.js';
import { anyDirty, discardAll, forgetDetached } from './dirty.js';
import * as search from './screens/search.js';
import * as customer from './screens/customer.js';
import * as quote from './screens/quote.js';
import * as documents from './screens/documents.js';
import * as requests from './screens/requests.js';
import * as settings from './screens/settings.js';
import * as setup from './screens/setup.js';
import { startHubTimer } from './screens/sync.js';

/**
 * The screens, one entry each (adding a screen is adding its entry): its route, its module, and
 * in the navigation its label (Alt+1, Alt+2… in this order). `ofCustomer`: it shows the current
 * customer, so Alt opens theirs; `back`: Esc returns to the current customer instead of the
 * search.
 */
const SCREENS = [
  { name: 'search', module: search, nav: '検索' },
  { name: 'customer', module: customer, nav: '顧客', ofCustomer: true },
  { name: 'quote', module: quote, nav: '見積り', ofCustomer: true, back: 'customer' },
  { name: 'documents', module: documents, nav: '書類', ofCustomer: true, back: 'customer' },
  { name: 'requests', module: requests, nav: '依頼', ofCustomer: true, back: 'customer' },
  { name: 'settings', module: settings, nav: '設定' },
  { name: 'setup', module: setup },
];
const NAVIGATION = SCREENS.filter((s) => s.nav);
const screenNamed = (name) => SCREENS.find((s) => s.name === name);
const GLOBAL_HELP = [
  ['Ctrl+K', '/'],
  '検索',
  ['↑', '↓'],
  '選択',
  ['Enter'],
  '決定',
  ['Esc'],
  '戻る',
  [`Alt+1〜${NAVIGATION.length}`],
  '画面切替',
  ['Tab'],
  '次の項目',
];

let current = null; // {name, screen, handle}
let renderSeq = 0;

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const name = screenNamed(parts[0]) ? parts[0] : 'search';
  return { name, arg: parts[1] || null, params: new URLSearchParams(query) };
}

/** The screen to go back to with Esc. */
function parentOf(name, arg) {
  const id = arg || state.customerId;
  return screenNamed(name).back === 'customer' && id ? `#/customer/${encodeURIComponent(id)}` : '#/search';
}

/** The navigation links, from the screens' entries. */
function drawNavigation() {
  const nav = document.getElementById('app-nav');
  clear(nav);
  NAVIGATION.forEach((screen, i) => nav.append(h('a', { href: `#/${screen.name}`, dataset: { nav: screen.name } }, screen.nav, h('kbd', {}, `Alt+${i + 1}`))));
}

async function route() {
  const seq = ++renderSeq;
  if (current && current.handle && typeof current.handle.cleanup === 'function') current.handle.cleanup();
  const { name, arg, params } = parseHash();
  const main = document.getElementById('main');
  clear(main);
  forgetDetached();
  // A queued call warned about input on the screen just left: it now only waits.
  if (popQueue.shown === 'alert') showPopWaiting();
  main.dataset.screen = name;
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const screen = screenNamed(name).module;
  current = { name, arg, screen, handle: null };
  setHelp(screen.help || []);
  try {
    const handle = (await screen.render(main, { arg, params })) || {};
    if (seq !== renderSeq) return;
    current.handle = handle;
    if (handle.help) setHelp(handle.help);
    focusScreen(main, handle);
  } catch (error) {
    if (seq !== renderSeq) return;
    const box = h('div', { class: 'error-box', role: 'alert' });
    showError(box, error);
    main.appendChild(h('section', { class: 'panel' }, h('h1', {}, '表示できませんでした'), box, h('p', {}, h('a', { href: '#/search' }, '検索へ戻る'))));
    main.focus();
  }
}

/** Focuses a drawn screen: its own `focus` when it has one (in the same task as the drawing, so no key typed meanwhile is lost), else its [data-autofocus] element, else the main area. */
function focusScreen(main, handle) {
  if (typeof handle.focus === 'function') {
    handle.focus();
    return;
  }
  const target = main.querySelector('[data-autofocus]');
  if (target) target.focus();
  else main.focus();
}

function setHelp(screenHelp) {
  const line = document.getElementById('help-line');
  clear(line);
  const items = [];
  const pairs = [...pairUp(GLOBAL_HELP), ...pairUp(screenHelp)];
  for (const [keys, what] of pairs) {
    items.push(h('span', { class: 'help-item' }, keys.map((k) => h('kbd', {}, k)), ' ', what));
  }
  line.append(...items);
}

function pairUp(list) {
  const out = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i], list[i + 1]]);
  return out;
}

function isTyping(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA') return true;
  if (el.tagName === 'INPUT') {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'submit', 'checkbox', 'radio', 'reset'].includes(type);
  }
  return false;
}

function onKeyDown(event) {
  if (event.defaultPrevented) return;
  // A queued call: Esc = あとで (the input stays), Alt+P = open it (discarding the input when asked).
  if (popQueue.shown === 'alert' && event.key === 'Escape') {
    event.preventDefault();
    popLater();
    return;
  }
  if (popQueue.shown !== 'none' && event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'p' || event.key === 'P' || event.code === 'KeyP')) {
    event.preventDefault();
    if (popQueue.shown === 'alert') discardAndOpen();
    else resumePop();
    return;
  }
  const typing = isTyping(document.activeElement);
  if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === 'k' || event.key === 'K')) {
    event.preventDefault();
    goSearch();
    return;
  }
  if (event.key === '/' && !typing && !event.ctrlKey && !event.altKey && !event.metaKey) {
    event.preventDefault();
    goSearch();
    return;
  }
  const chosen = event.altKey && !event.ctrlKey && !event.metaKey && NAVIGATION[Number(event.key) - 1];
  if (chosen) {
    event.preventDefault();
    navigate(chosen.ofCustomer && state.customerId ? `#/${chosen.name}/${encodeURIComponent(state.customerId)}` : `#/${chosen.name}`);
    return;
  }
  if (event.key === 'Escape') {
    const handle = current && current.handle;
    if (handle && typeof handle.onEscape === 'function' && handle.onEscape(event)) {
      event.preventDefault();
      return;
    }
    if (current && current.name !== 'search') {
      event.preventDefault();
      navigate(parentOf(current.name, current.arg));
    }
    return;
  }
  // Screen keys (single letters) only when not typing and without modifiers.
  if (!typing && !event.ctrlKey && !event.altKey && !event.metaKey && current && current.handle && current.handle.keys) {
    const fn = current.handle.keys[event.key.toLowerCase()];
    if (fn) {
      event.preventDefault();
      fn(event);
    }
  }
}

function goSearch() {
  if (current && current.name === 'search' && current.handle && current.handle.focus) {
    current.handle.focus();
  } else {
    navigate('#/search');
  }
}

function refreshHeader() {
  const chip = document.getElementById('current-customer');
  clear(chip);
  if (state.customer) {
    chip.appendChild(
      h(
        'a',
        { href: `#/customer/${encodeURIComponent(state.customer.id)}`, title: '対応中のお客様' },
        h('span', { class: 'chip-label' }, '対応中'),
        h('span', { class: 'chip-name' }, state.customer.name),
        h('span', { class: 'chip-kana' }, state.customer.name_kana),
      ),
    );
  }
  const agent = document.getElementById('agent-name');
  clear(agent);
  const name = state.settings && state.settings.agent_name;
  agent.append(h('span', { class: 'muted' }, '担当 '), name || '（未設定）');
}

// ---- screen-pop ---------------------------------------------------------------
// A call pops at once unless a form holds unsaved input; then it waits in a bar until the
// agent discards the input (入力を破棄して開く) or puts it off (あとで, Esc). Later calls
// replace the number shown; the bar counts the calls waiting.

/** Distinct numbers that called while input was unsaved, the latest last; what the bars show. */
const popQueue = { phones: [], shown: 'none' /* 'alert' | 'waiting' | 'none' */ };
/** The element focused before the agent moved into the bars, to go back to. */
let focusBeforeBars = null;

function onPop(phone) {
  if (!anyDirty()) {
    clearPopQueue();
    deliverPop(phone);
    return;
  }
  popQueue.phones = popQueue.phones.filter((p) => p !== phone);
  popQueue.phones.push(phone);
  showPopAlert();
}

/** Searches the number on the search screen (opening the customer when one matches). */
function deliverPop(phone) {
  state.pendingPop = phone;
  if (current && current.name === 'search' && current.handle && current.handle.pop) {
    state.pendingPop = null;
    current.handle.pop(phone);
  } else {
    navigate('#/search');
  }
}

function latestPop() {
  return popQueue.phones[popQueue.phones.length - 1];
}

function showPopAlert() {
  const bar = document.getElementById('pop-queue');
  const n = popQueue.phones.length;
  const discard = h('button', { type: 'button', class: 'danger', id: 'pop-discard', onclick: discardAndOpen }, '入力を破棄して開く', h('kbd', {}, 'Alt+P'));
  const later = h('button', { type: 'button', id: 'pop-later', onclick: popLater }, 'あとで', h('kbd', {}, 'Esc'));
  clear(bar);
  bar.append(
    h('span', { class: 'pop-queue-text', id: 'pop-queue-text' }, `着信 ${latestPop()}: 入力中の内容があります`),
    n > 1 ? h('span', { class: 'pop-queue-count', id: 'pop-queue-count' }, `待機中の着信 ${n}件（最新の番号を表示）`) : null,
    h('span', { class: 'actions' }, discard, later),
  );
  bar.hidden = false;
  document.getElementById('pop-waiting').hidden = true;
  popQueue.shown = 'alert';
}

/** あとで: the input stays, the call waits in a quiet line with 開く. */
function popLater() {
  const hadFocus = document.getElementById('app-bars').contains(document.activeElement);
  showPopWaiting();
  if (hadFocus) restoreFocus();
}

function showPopWaiting() {
  const bar = document.getElementById('pop-queue');
  bar.hidden = true;
  clear(bar);
  const line = document.getElementById('pop-waiting');
  clear(line);
  const n = popQueue.phones.length;
  line.append(
    h('span', { id: 'pop-waiting-text' }, `保留中の着信 ${latestPop()}`, n > 1 ? `（ほか${n - 1}件）` : ''),
    h('button', { type: 'button', class: 'small', id: 'pop-resume', onclick: resumePop }, '開く', h('kbd', {}, 'Alt+P')),
    h('button', { type: 'button', class: 'small ghost', id: 'pop-dismiss', onclick: dismissPops }, '閉じる'),
  );
  line.hidden = false;
  popQueue.shown = 'waiting';
}

/** 開く on a waiting call: at once when nothing is unsaved any more, else the question again. */
function resumePop() {
  if (anyDirty()) {
    showPopAlert();
    document.getElementById('pop-later').focus();
    return;
  }
  const phone = latestPop();
  clearPopQueue();
  deliverPop(phone);
}

function discardAndOpen() {
  const phone = latestPop();
  clearPopQueue();
  discardAll();
  deliverPop(phone);
}

function dismissPops() {
  clearPopQueue();
  restoreFocus();
}

function clearPopQueue() {
  popQueue.phones = [];
  popQueue.shown = 'none';
  for (const id of ['pop-queue', 'pop-waiting']) {
    const bar = document.getElementById(id);
    bar.hidden = true;
    clear(bar);
  }
}

function restoreFocus() {
  const target = focusBeforeBars && focusBeforeBars.isConnected ? focusBeforeBars : document.getElementById('main');
  target.focus();
}

/** The notice of the start (e.g. the data folder moved): shown once, closed with 閉じる. */
function showNotice(text) {
  const bar = document.getElementById('notice-bar');
  clear(bar);
  const close = h('button', { type: 'button', class: 'small', id: 'notice-close', 'aria-label': 'お知らせを閉じる' }, '閉じる');
  close.addEventListener('click', () => {
    bar.hidden = true;
    clear(bar);
    restoreFocus();
  });
  bar.append(h('span', { class: 'badge info' }, 'お知らせ'), h('span', { class: 'notice-text', id: 'notice-text' }, text), close);
  bar.hidden = false;
}

async function start() {
  drawNavigation();
  state.rerender = route;
  state.refreshHeader = refreshHeader;
  refreshHeader();
  document.addEventListener('keydown', onKeyDown);
  document.addEventListener('focusin', (event) => {
    if (!document.getElementById('app-bars').contains(event.target)) focusBeforeBars = event.target;
  });
  window.addEventListener('hashchange', route);
  let status = null;
  try {
    status = await loadStatus();
  } catch (error) {
    const main = document.getElementById('main');
    const box = h('div', { class: 'error-box', role: 'alert' });
    showError(box, error);
    main.append(h('section', { class: 'panel' }, h('h1', {}, 'アプリケーションに接続できません'), box));
    return;
  }
  if (status.notice) showNotice(String(status.notice));
  // Reference data: loaded once, in parallel; a failure shows where it is needed.
  await Promise.allSettled([loadSettings(), kinds(), docTypes(), requestTypes()]);
  api.onPop(onPop);
  startHubTimer();
  if (status.customers === 0 && !/^#\/(settings|setup)/.test(window.location.hash)) {
    if (window.location.hash === '#/setup') route();
    else window.location.hash = '#/setup';
    return;
  }
  route();
}

start();
