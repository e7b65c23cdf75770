// Shared by the browser tests: start the test bridge on a temporary database (seeded through its own commands),
// answer its file dialogs, launch Debian's Chromium through playwright-core, drive it by keyboard, ring a pop, take screenshots. Builds nothing.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BRIDGE = process.env.MADOGUCHI_BRIDGE || path.join(ROOT, 'target', 'debug', 'madoguchi-bridge');
export const CHROMIUM = process.env.MADOGUCHI_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'target', 'ui-screenshots');
/** Every test runs on this moment: dates in answers and documents do not move. */
export const AS_OF = '2026-11-20T10:00:00+09:00';
export const AGENT = 'テスト担当';

/** A command refused by the bridge, with its {code, field, message}. */
export class BridgeError extends Error {
  constructor(status, body) {
    super(`${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * Starts the bridge on a fresh database in a temporary folder; `seed` customers are added
 * through `start_job` first. Returns {url, dir, db, call, answerDialogs, dialogsAsked, stop}.
 */
export async function startBridge({ seed = 0, asOf = AS_OF } = {}) {
  if (!existsSync(BRIDGE)) {
    throw new Error(`no bridge binary at ${BRIDGE}: build it with \`cargo build -p madoguchi-bridge\` or set MADOGUCHI_BRIDGE`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'madoguchi-ui-'));
  const db = path.join(dir, 'ui.sqlite3');
  const child = spawn(BRIDGE, ['--db', db, '--ui', path.join(ROOT, 'ui'), '--as-of', asOf, '--agent', AGENT], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge printed no URL in 20 s\n${stderr}`)), 20000);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bridge exited (${code}) before printing its URL\n${stderr}`));
    });
  });

  async function call(command, args = {}) {
    const response = await fetch(new URL(`invoke/${command}`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: new URL(url).origin },
      body: JSON.stringify(args),
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (!response.ok) throw new BridgeError(response.status, body);
    return body;
  }

  /** Queues answers for the next file dialogs: a path (chosen), null (cancelled), a boolean (a yes/no question). */
  async function answerDialogs(answers) {
    const response = await fetch(new URL('test/dialogs', url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: new URL(url).origin },
      body: JSON.stringify({ answers }),
    });
    const text = await response.text();
    if (!response.ok) throw new BridgeError(response.status, text ? JSON.parse(text) : null);
  }

  /** Every dialog asked so far: [{kind: "open" | "save" | "folder" | "confirm", title, message}]. */
  async function dialogsAsked() {
    const response = await fetch(new URL('test/dialogs', url));
    const text = await response.text();
    if (!response.ok) throw new BridgeError(response.status, text);
    return JSON.parse(text);
  }

  async function stop() {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  }

  const bridge = { url, dir, db, call, answerDialogs, dialogsAsked, stop, stderr: () => stderr };
  if (seed > 0) {
    const { job } = await call('start_job', { kind: 'seed', count: seed });
    await waitJob(bridge, job);
  }
  return bridge;
}

/** Polls a job until it has finished; its last state. */
export async function waitJob(bridge, job, timeoutMs = 120000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await bridge.call('job', { job });
    if (s.finished) return s;
    if (Date.now() > until) throw new Error(`job ${job} did not finish: ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Launches headless Chromium with one 1280×800 page. `problems` collects console errors,
 * page errors and CSP violations as they happen.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.exposeFunction('__reportCsp', (text) => problems.push(`csp: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.setDefaultTimeout(15000);
  return { browser, page, problems };
}

/**
 * Opens the UI afresh and waits until its first screen is drawn. Through about:blank: going to
 * the same page with another #hash alone would not load it again, leaving the last test's DOM.
 */
export async function openUi(page, url, query = '') {
  await page.goto('about:blank');
  await page.goto(url + query);
  await page.waitForSelector('main[data-screen]');
}

export async function screenshot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  // Let fonts and the last repaint settle.
  await page.evaluate(() => document.fonts && document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Types text as keystrokes (Japanese included). */
export async function type(page, text) {
  await page.keyboard.type(text, { delay: 5 });
}

/** Selects everything in the focused field and types over it. */
export async function retype(page, text) {
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  if (text) await type(page, text);
}

/** The element that has the focus: a CSS-ish description for messages. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? `[name=${el.name}]` : ''}`;
  });
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
export async function tabTo(page, selector, { max = 80, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => Boolean(document.activeElement && document.activeElement.matches(s)), selector)) return i;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector} (at ${await focused(page)})`);
}

/** Presses ArrowDown (or ArrowUp) on the focused <select> until it holds `value`. */
export async function chooseOption(page, value, { max = 40 } = {}) {
  const current = () => page.evaluate(() => document.activeElement && document.activeElement.value);
  const tag = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  if (tag !== 'SELECT') throw new Error(`chooseOption: the focus is on ${await focused(page)}, not a select`);
  const options = await page.evaluate(() => [...document.activeElement.options].map((o) => o.value));
  if (!options.includes(value)) throw new Error(`chooseOption: ${value} is not among ${options.join(', ')}`);
  let key = options.indexOf(value) > options.indexOf(await current()) ? 'ArrowDown' : 'ArrowUp';
  for (let i = 0; i < max; i++) {
    if ((await current()) === value) return;
    await page.keyboard.press(key);
  }
  throw new Error(`chooseOption: could not reach ${value} (at ${await current()})`);
}

/**
 * Runs `act()` with `answers` queued for the dialogs it opens, in order, and resolves to the
 * dialogs asked meanwhile. Each answer must be taken by one dialog: fewer or more dialogs than
 * answers fail (a leftover would answer a later test's dialog). `act` should wait until the
 * UI shows the command's outcome.
 */
export async function withDialogs(bridge, answers, act) {
  const before = (await bridge.dialogsAsked()).length;
  await bridge.answerDialogs(answers);
  await act();
  const asked = (await bridge.dialogsAsked()).slice(before);
  if (asked.length !== answers.length) {
    throw new Error(`${answers.length} dialog answers queued (${JSON.stringify(answers)}) but ${asked.length} dialogs asked: ${JSON.stringify(asked)}`);
  }
  return asked;
}

/**
 * Imports a CSV as an agent does: writes `csv` to `name` in the bridge's folder, opens 設定 (Alt+6),
 * tabs to the import button and chooses the file in the dialog; resolves once `outcome` (a
 * selector in the job's outcome) shows (`jobSettled` waits for the job's end).
 */
export async function importCsv(page, bridge, name, csv, outcome) {
  const file = path.join(bridge.dir, name);
  await writeFile(file, csv);
  await page.keyboard.press('Alt+6');
  await page.waitForSelector('main[data-screen="settings"]');
  await page.waitForSelector('#import-start');
  await tabTo(page, '#import-start');
  await withDialogs(bridge, [file], async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector(outcome, { timeout: 30000 });
  });
}

/** Waits until the job shown in the job area has settled (its title says 完了). */
export async function jobSettled(page) {
  await page.waitForFunction(() => /（完了）/.test(document.querySelector('#job-area .job-title').textContent), null, { timeout: 30000 });
}

/** A screen-pop delivered to the open page, as the shell's `pop` event would (the browser's `madoguchi-pop`). */
export async function ring(page, phone) {
  await page.evaluate((p) => window.dispatchEvent(new CustomEvent('madoguchi-pop', { detail: { phone: p } })), phone);
}

/** "03-1234-5678" / "+81 3-1234-5678" / "03(1234)5678" → "０３－１２３４－５６７８". */
export function fullWidthPhone(number) {
  let text = String(number).trim();
  text = text.replace(/^\+81[\s-]*/, '0');
  text = text.replace(/[()\s]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  // Already full width in the store: keep it.
  return text.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/-/g, '－');
}

/** A customer found by customer number through the API: {id, view}. */
export async function customerByNumber(bridge, number) {
  const found = await bridge.call('lookup', { query: number, limit: 5 });
  const hit = found.results.find((r) => r.matched === number) || found.results[0];
  if (!hit) return null;
  return { id: hit.customer_id, view: await bridge.call('customer', { id: hit.customer_id }) };
}

/** The first customer (by number, from 1) of a service that `accept(view)` takes. */
export async function findCustomer(bridge, prefix, digits, accept = () => true, max = 300) {
  for (let n = 1; n <= max; n++) {
    const number = `${prefix}${String(n).padStart(digits, '0')}`;
    const found = await customerByNumber(bridge, number);
    if (found && accept(found.view)) return { ...found, number };
  }
  throw new Error(`no customer ${prefix}… matched`);
}

/** Opens a customer the way an agent does: Ctrl+K, type, Enter. */
export async function openCustomerByKeyboard(page, query, name) {
  await page.keyboard.press('Control+K');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'search-box');
  await retype(page, query);
  await searchSettled(page, query);
  await page.waitForSelector('#search-results [role="option"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main[data-screen="customer"] #customer-name');
  if (name) await page.waitForFunction((n) => document.getElementById('customer-name').textContent.includes(n), name);
}

/** Waits until the result list answers `query` (the last one typed); fails saying what the search screen shows. */
export async function searchSettled(page, query) {
  try {
    await page.waitForFunction((q) => {
      const list = document.getElementById('search-results');
      return list && list.dataset.query === q && document.getElementById('search-box').value === q;
    }, query);
  } catch (error) {
    const seen = await page.evaluate(() => {
      const text = (selector) => (document.querySelector(selector) || {}).textContent;
      const el = document.activeElement;
      return {
        screen: document.getElementById('main').dataset.screen,
        box: (document.getElementById('search-box') || {}).value,
        answered: (document.getElementById('search-results') || { dataset: {} }).dataset.query,
        meta: text('#search-meta'),
        error: text('.search-panel .field-error:not([hidden])'),
        focus: el ? el.id || el.tagName : null,
      };
    });
    throw new Error(`the search for ${JSON.stringify(query)} did not settle: ${JSON.stringify(seen)} (${error.message})`);
  }
}

/** Waits until the element with this id has the focus (screens move it after drawing); fails naming where it is. */
export async function expectFocus(page, id, timeout = 10000) {
  try {
    await page.waitForFunction((want) => document.activeElement && document.activeElement.id === want, id, { timeout });
  } catch {
    const at = await page.evaluate(() => (document.activeElement ? document.activeElement.id || document.activeElement.tagName : 'nothing'));
    throw new Error(`the focus should be on #${id}, it is on ${at}`);
  }
}

/** A bridge on a fresh database (`seed` customers) and a browser, for a test file's `before`. */
export async function openSession({ seed = 0 } = {}) {
  const bridge = await startBridge({ seed });
  const ui = await launch();
  return { bridge, ui };
}

/** Closes what `openSession` opened, for a test file's `after`. */
export async function closeSession({ bridge, ui }) {
  if (ui) await ui.browser.close();
  if (bridge) await bridge.stop();
}
