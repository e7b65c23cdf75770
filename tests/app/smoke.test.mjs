// The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver (W3C WebDriver over plain HTTP).
// In CI it drives the app installed from its own .deb (MADOGUCHI_APP=/usr/bin/madoguchi-app), so the desktop file,
// the x-scheme-handler registration and the single-instance plugin are the ones an agent gets:
//   1. first start on an old data folder (jp.madoguchi.app): the data moves once, the old folder is marked;
//   2. a cold start to a focused search box (measured), a search by full-width phone, a customer, every screen;
//      with the app running, `xdg-open 'madoguchi://lookup?phone=…'` and `madoguchi pop` bring callers up in the
//      running window and leave no second process; a plain second launch exits and leaves one window, focused;
//      the log file in the platform's log folder has the start line; the daily backup is made at start;
//   3. a cold start from a link opens on the caller.
// Screenshots go to target/app-screenshots/. Builds nothing: it expects the app (default target/debug/madoguchi-app)
// and the CLI. On Windows (the release workflow) there is no Xvfb, D-Bus or xdg-open: only steps 2's search and
// screens and step 3 run, with msedgedriver as tauri-driver's native driver (TAURI_NATIVE_DRIVER).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, readdir } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WINDOWS = process.platform === 'win32';
const EXE = WINDOWS ? '.exe' : '';
const APP = process.env.MADOGUCHI_APP || path.join(ROOT, 'target', 'debug', `madoguchi-app${EXE}`);
const CLI = process.env.MADOGUCHI_CLI || path.join(ROOT, 'target', 'debug', `madoguchi${EXE}`);
const DRIVER = process.env.TAURI_DRIVER || path.join(homedir(), '.cargo', 'bin', `tauri-driver${EXE}`);
const NATIVE_DRIVER = process.env.TAURI_NATIVE_DRIVER;
const SHOTS = path.join(ROOT, 'target', 'app-screenshots');
const DISPLAY = ':99';
const PORT = 4444;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One WebDriver call; throws with the driver's message on an error, or after a minute without an answer. */
async function wd(method, url, body) {
  const response = await fetch(`http://127.0.0.1:${PORT}${url}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60000),
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

/** The running app processes of this test's home (pgrep by the executable's name and environment). */
function appProcesses(home) {
  let pids;
  try {
    pids = execFileSync('pgrep', ['-x', path.basename(APP).slice(0, 15)], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${home}`);
    } catch {
      return false;
    }
  });
}

/**
 * Whether the app of this test's home is gone: no process, and (Linux) its single-instance name
 * released on the session bus. A start while the bus still holds the name of an app that just
 * exited would hand over to it and exit, and the WebDriver session would wait for a window.
 */
function appGone(home, env) {
  if (appProcesses(home).length > 0) return false;
  if (WINDOWS) return true;
  const names = execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.ListNames'], { env, encoding: 'utf8' });
  return !names.includes('.SingleInstance');
}

/** A WebDriver session on the app (optionally started with arguments, as the OS starts it from a link). */
async function startApp(args = []) {
  const started = performance.now();
  const options = { application: APP, ...(args.length ? { args } : {}) };
  const session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': options } } })).sessionId;
  const s = `/session/${session}`;
  const run = (script, ...rest) => wd('POST', `${s}/execute/sync`, { script, args: rest });
  const shot = async (name) => {
    const png = await wd('GET', `${s}/screenshot`);
    await writeFile(path.join(SHOTS, `${name}.png`), Buffer.from(png, 'base64'));
  };
  const text = () => run('return document.body.innerText;');
  const close = () => wd('DELETE', s).catch(() => {});
  return { session, s, run, shot, text, close, started };
}

test('the installed app: data folder moved, cold start, search, screen-pops through the OS, one instance, logs, a start from a link', { timeout: 300000 }, async () => {
  for (const [file, hint] of [[APP, 'cargo build -p madoguchi-desktop, or install the .deb'], [CLI, 'cargo build -p madoguchi'], [DRIVER, 'cargo install tauri-driver --locked']]) {
    assert.ok(existsSync(file), `${file} is missing: ${hint}`);
  }
  // A home of its own, with a space and Japanese in its path; the app opens the default database of its data folder.
  const home = await mkdtemp(path.join(tmpdir(), 'madoguchi 実機-'));
  // The platform's data folder: XDG_DATA_HOME on Linux; on Windows the app always uses %APPDATA% (a fresh runner's).
  const data = WINDOWS ? process.env.APPDATA : path.join(home, 'data');
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: data, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), MADOGUCHI_AGENT: '実機テスト' };
  if (!WINDOWS) env.DISPLAY = DISPLAY;
  delete env.XDG_CURRENT_DESKTOP;
  // Seeded where the releases before 0.2 kept it: the first start moves it.
  const oldDb = path.join(data, 'jp.madoguchi.app', 'madoguchi.sqlite3');
  const newDb = path.join(data, 'jp.madoguchi.desktop', 'madoguchi.sqlite3');
  const cli = (...args) => execFileSync(CLI, args, { env, encoding: 'utf8' });
  cli('--db', oldDb, 'db', 'seed', '--customers', '2000');
  const customerOf = (number) => JSON.parse(cli('--db', oldDb, 'customer', JSON.parse(cli('--db', oldDb, 'lookup', number, '--json')).results[0].customer_id, '--json'));
  const [first, second, third, fourth] = ['AW00000003', 'KN00000002', 'PA00000004', 'AM00000005'].map(customerOf);
  const phoneOf = (c) => c.phones[0].number;
  const link = (c) => `madoguchi://lookup?phone=${encodeURIComponent(phoneOf(c))}`;
  await mkdir(SHOTS, { recursive: true });

  const children = [];
  if (!WINDOWS) {
    // The session bus the single-instance plugin finds the running app on, as a desktop session has.
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(bus);
    env.DBUS_SESSION_BUS_ADDRESS = await new Promise((resolve, reject) => {
      bus.stdout.once('data', (chunk) => resolve(chunk.toString().trim()));
      bus.once('error', reject);
    });
    children.push(spawn('Xvfb', [DISPLAY, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' }));
  }
  const driverArgs = ['--port', String(PORT), ...(NATIVE_DRIVER ? ['--native-driver', NATIVE_DRIVER] : [])];
  const driver = spawn(DRIVER, driverArgs, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(driver);
  let app;
  try {
    await until('tauri-driver', () => fetch(`http://127.0.0.1:${PORT}/status`).then((r) => r.ok));

    // 1. The first start moves the old data folder, once, and says so.
    app = await startApp();
    await until('a focused search box', () => app.run("return document.activeElement && document.activeElement.id === 'search-box';"), 30000);
    const firstStart = performance.now() - app.started;
    console.log(`first start, moving a 2,000-customer data folder, to a focused search box: ${firstStart.toFixed(0)} ms`);
    assert.ok(existsSync(newDb), 'the database is in the new data folder');
    const marker = await readFile(path.join(data, 'jp.madoguchi.app', 'MOVED-TO-jp.madoguchi.desktop.txt'), 'utf8');
    assert.match(marker, /jp\.madoguchi\.desktop/);
    assert.ok((await app.text()).includes('データフォルダを'), 'the agent is told the data folder moved');
    await app.shot('00-first-start-moved');
    await app.close();
    await until('the first app to exit', () => appGone(home, env), 10000);

    // 2. A cold start to a focused search box (no move this time).
    app = await startApp();
    await until('a focused search box', () => app.run("return document.activeElement && document.activeElement.id === 'search-box';"));
    const coldStart = performance.now() - app.started;
    console.log(`cold start to a focused search box (through the WebDriver session): ${coldStart.toFixed(0)} ms`);
    assert.ok(!(await app.text()).includes('データフォルダを'), 'the second start moves nothing');
    // The daily backup is made at start, in the data folder's backups/.
    const backups = path.join(data, 'jp.madoguchi.desktop', 'backups');
    await until('the backup at start', async () => existsSync(backups) && (await readdir(backups)).some((f) => /^madoguchi-\d{8}-\d{6}\.sqlite3$/.test(f)), 20000);
    await app.shot('01-search-empty');

    // Search by the caller's number in full-width digits, as a phone system may print it.
    const box = Object.values(await wd('POST', `${app.s}/element`, { using: 'css selector', value: '#search-box' }))[0];
    const wide = phoneOf(first).replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).replace(/-/g, '－');
    await wd('POST', `${app.s}/element/${box}/value`, { text: wide });
    await until('a result', async () => (await app.text()).includes(first.name));
    await app.shot('02-search-results');
    await wd('POST', `${app.s}/element/${box}/value`, { text: '\uE007' });
    await until('the customer screen', () => app.run("return document.querySelector('main').dataset.screen === 'customer' && document.body.innerText.includes(arguments[0]);", first.name));
    await app.shot('03-customer');

    for (const [n, screen] of [['04', 'quote'], ['05', 'documents'], ['06', 'requests'], ['07', 'settings']]) {
      await app.run('location.hash = arguments[0];', `#/${screen}`);
      await until(`the ${screen} screen`, () => app.run("return document.querySelector('main').dataset.screen === arguments[0];", screen));
      await sleep(300);
      await app.shot(`${n}-${screen}`);
    }
    if (!WINDOWS) {
      const logDir = path.join(data, 'jp.madoguchi.desktop', 'logs');
      assert.ok((await app.text()).includes(logDir), '設定 shows the log folder');
    }

    if (!WINDOWS) {
      assert.equal(appProcesses(home).length, 1, 'one app runs');
      // Screen-pop as a phone system does it: the OS opens the link; the running window shows the caller.
      execFileSync('xdg-open', [link(second)], { env, timeout: 20000 });
      await until('the caller popped by xdg-open', async () => (await app.text()).includes(second.name));
      await app.shot('08-screen-pop-xdg-open');
      await until('no second process', () => appProcesses(home).length === 1, 10000);

      // The CLI opens the same kind of link through the OS.
      const out = cli('pop', '--phone', phoneOf(third));
      assert.match(out, /handed to the desktop app/);
      await until('the caller popped by madoguchi pop', async () => (await app.text()).includes(third.name));
      await until('no second process', () => appProcesses(home).length === 1, 10000);

      // A plain second launch hands over and exits: still one process and one window.
      const second_launch = spawn(APP, [], { env, stdio: 'ignore' });
      const code = await new Promise((resolve) => second_launch.once('exit', resolve));
      assert.equal(code, 0, 'the second launch exits cleanly');
      assert.equal(appProcesses(home).length, 1, 'one app runs');
      assert.equal((await wd('GET', `${app.s}/window/handles`)).length, 1, 'one window');
      assert.ok(await app.run('return document.hasFocus();'), 'the window has the focus');

      // The log file is in the platform's log folder, with the start line.
      const logDir = path.join(data, 'jp.madoguchi.desktop', 'logs');
      const logs = await readdir(logDir);
      assert.ok(logs.includes('madoguchi.log'), `log files: ${logs}`);
      const log = await readFile(path.join(logDir, 'madoguchi.log'), 'utf8');
      assert.match(log, /madoguchi \d+\.\d+\.\d+ started: database .*jp\.madoguchi\.desktop/);
      assert.match(log, /data folder|データフォルダ/, 'the move is logged');
    }
    await app.close();
    await until('the app to exit', () => appGone(home, env), 10000);

    // 3. A cold start from a link (as the OS starts it: the link its only argument) opens on that caller.
    app = await startApp([link(fourth)]);
    await until('the linked caller', () => app.run("return document.querySelector('main').dataset.screen === 'customer' && document.body.innerText.includes(arguments[0]);", fourth.name), 30000);
    console.log(`cold start from a link to the caller's screen: ${(performance.now() - app.started).toFixed(0)} ms`);
    await app.shot('09-cold-start-from-link');
  } finally {
    if (app) await app.close();
    for (const child of children.reverse()) child.kill();
  }
});
