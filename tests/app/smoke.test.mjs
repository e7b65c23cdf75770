// The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver (W3C WebDriver over plain HTTP):
// cold start to a focused search box (measured), a search, a customer opened, a screen-pop from the CLI, and a
// screenshot of every screen in target/app-screenshots/. Builds nothing: it expects target/debug/madoguchi-app.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const APP = process.env.MADOGUCHI_APP || path.join(ROOT, 'target', 'debug', 'madoguchi-app');
const CLI = process.env.MADOGUCHI_CLI || path.join(ROOT, 'target', 'debug', 'madoguchi');
const DRIVER = process.env.TAURI_DRIVER || path.join(homedir(), '.cargo', 'bin', 'tauri-driver');
const SHOTS = path.join(ROOT, 'target', 'app-screenshots');
const DISPLAY = ':99';
const PORT = 4444;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One WebDriver call; throws with the driver's message on an error. */
async function wd(method, url, body) {
  const response = await fetch(`http://127.0.0.1:${PORT}${url}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${JSON.stringify(json.value)}`);
  return json.value;
}

/** Polls `probe` until it returns a truthy value or `ms` pass. */
async function until(what, probe, ms = 20000) {
  const started = Date.now();
  let last;
  while (Date.now() - started < ms) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await sleep(50);
  }
  throw new Error(`waited ${ms} ms for ${what} (last: ${last})`);
}

test('the real app starts, searches, opens a customer, takes a screen-pop', { timeout: 180000 }, async () => {
  for (const [file, hint] of [[APP, 'cargo build -p madoguchi-desktop'], [CLI, 'cargo build -p madoguchi'], [DRIVER, 'cargo install tauri-driver --locked']]) {
    assert.ok(existsSync(file), `${file} is missing: ${hint}`);
  }
  // A home of its own: the app opens the default database of this XDG data folder.
  const home = await mkdtemp(path.join(tmpdir(), 'madoguchi-app-'));
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), DISPLAY, MADOGUCHI_AGENT: '実機テスト' };
  const db = path.join(home, 'data', 'jp.madoguchi.app', 'madoguchi.sqlite3');
  const cli = (...args) => execFileSync(CLI, ['--db', db, ...args], { env, encoding: 'utf8' });
  cli('db', 'seed', '--customers', '2000');
  const customerOf = (number) => JSON.parse(cli('customer', JSON.parse(cli('lookup', number, '--json')).results[0].customer_id, '--json'));
  const first = customerOf('AW00000003');
  const second = customerOf('KN00000002');
  const phoneOf = (c) => c.phones[0].number;
  await mkdir(SHOTS, { recursive: true });

  const xvfb = spawn('Xvfb', [DISPLAY, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const driver = spawn(DRIVER, ['--port', String(PORT)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let session;
  try {
    await until('tauri-driver', () => fetch(`http://127.0.0.1:${PORT}/status`).then((r) => r.ok));
    const started = performance.now();
    session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: APP } } } })).sessionId;
    const s = `/session/${session}`;
    const run = (script, ...args) => wd('POST', `${s}/execute/sync`, { script, args });
    await until('a focused search box', () => run("return document.activeElement && document.activeElement.id === 'search-box';"));
    const coldStart = performance.now() - started;
    console.log(`cold start to a focused search box (through the WebDriver session): ${coldStart.toFixed(0)} ms`);

    const shot = async (name) => {
      const png = await wd('GET', `${s}/screenshot`);
      await writeFile(path.join(SHOTS, `${name}.png`), Buffer.from(png, 'base64'));
    };
    const text = () => run('return document.body.innerText;');
    await shot('01-search-empty');

    // Search by the caller's number in full-width digits, as a phone system may print it.
    const box = Object.values(await wd('POST', `${s}/element`, { using: 'css selector', value: '#search-box' }))[0];
    const wide = phoneOf(first).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).replace(/-/g, '－');
    await wd('POST', `${s}/element/${box}/value`, { text: wide });
    await until('a result', async () => (await text()).includes(first.name));
    await shot('02-search-results');
    await wd('POST', `${s}/element/${box}/value`, { text: '\uE007' });
    await until('the customer screen', () => run("return document.querySelector('main').dataset.screen === 'customer' && document.body.innerText.includes(arguments[0]);", first.name));
    await shot('03-customer');

    for (const [n, screen] of [['04', 'quote'], ['05', 'documents'], ['06', 'requests'], ['07', 'settings']]) {
      await run('location.hash = arguments[0];', `#/${screen}`);
      await until(`the ${screen} screen`, () => run("return document.querySelector('main').dataset.screen === arguments[0];", screen));
      await sleep(300);
      await shot(`${n}-${screen}`);
    }

    // Screen-pop: the CLI hands another caller's number to the running app.
    const out = execFileSync(CLI, ['pop', '--phone', phoneOf(second)], { env, encoding: 'utf8' });
    assert.match(out, /handed to the running app/);
    await until('the popped customer', async () => (await text()).includes(second.name));
    await shot('08-screen-pop');
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    xvfb.kill();
  }
});
