// Browser and source checks: every screen visited by keyboard with no console error, page error or CSP violation;
// the UI's files keep the CSP (no inline script, style or handler, no remote content) and api.js alone calls Rust.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { openUi, type, ROOT, screenshot, openSession, closeSession } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

test('every screen by keyboard: no console error, no page error, no CSP violation', async () => {
  const { page, problems } = ui;
  await openUi(page, bridge.url);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:/);

  await type(page, 'KN0000000');
  await page.waitForFunction(() => document.getElementById('search-results').dataset.query === 'KN0000000');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#customer-name');
  for (const [key, ready] of [
    ['q', '#quote-form'],
    ['d', '#doc-type'],
    ['r', '#request-type'],
  ]) {
    await page.keyboard.press(key);
    await page.waitForSelector(ready);
    await page.waitForTimeout(200);
    await page.keyboard.press('Escape');
    await page.waitForSelector('main[data-screen="customer"] #customer-name');
  }
  for (const [keys, screen] of [
    ['Alt+3', 'quote'],
    ['Alt+4', 'documents'],
    ['Alt+5', 'requests'],
    ['Alt+6', 'settings'],
    ['Alt+2', 'customer'],
    ['Alt+1', 'search'],
  ]) {
    await page.keyboard.press(keys);
    await page.waitForSelector(`main[data-screen="${screen}"]`);
    await page.waitForTimeout(200);
  }
  // The focus is always visible: the focused element has an outline.
  await page.keyboard.press('Control+K');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await screenshot(page, '20-search-focus');
  assert.deepEqual(problems, []);
});

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(full)));
    else out.push(full);
  }
  return out;
}

test('the font stack: the Windows and macOS Japanese fonts before Noto, then sans-serif', async () => {
  const css = await readFile(path.join(ROOT, 'ui', 'css', 'app.css'), 'utf8');
  const m = /--font:\s*([^;]+);/.exec(css);
  assert.ok(m, 'app.css declares --font');
  const fonts = m[1].split(',').map((f) => f.trim().replace(/^"|"$/g, ''));
  assert.deepEqual(fonts.slice(0, 4), ['Yu Gothic UI', 'Meiryo', 'Hiragino Sans', 'Hiragino Kaku Gothic ProN']);
  assert.ok(fonts.slice(4, -1).every((f) => f.startsWith('Noto')), `then Noto: ${fonts.join(', ')}`);
  assert.equal(fonts[fonts.length - 1], 'sans-serif');
});

test('the UI files hold to the CSP and to one module calling Rust', async () => {
  const all = await files(path.join(ROOT, 'ui'));
  for (const file of all) {
    const text = await readFile(file, 'utf8');
    const name = path.relative(ROOT, file);
    if (file.endsWith('.html')) {
      assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/i.test(text), `${name}: an inline script`);
      assert.ok(!/\sstyle\s*=/i.test(text), `${name}: an inline style`);
      assert.ok(!/\son[a-z]+\s*=/i.test(text), `${name}: an inline handler`);
      assert.ok(!/<style/i.test(text), `${name}: a style element`);
      assert.ok(!/(src|href)\s*=\s*["']https?:/i.test(text), `${name}: remote content`);
    }
    if (file.endsWith('.js')) {
      assert.ok(text.startsWith('// '), `${name}: starts with a comment saying what it is for`);
      assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/.test(text), `${name}: builds no HTML from strings, evaluates no code`);
      assert.ok(!/https?:\/\//.test(text), `${name}: no remote URL`);
      assert.ok(!/setAttribute\(\s*['"]style['"]/.test(text), `${name}: no inline style attribute`);
      if (!file.endsWith(path.join('js', 'api.js'))) {
        assert.ok(!/__TAURI__|fetch\(/.test(text), `${name}: only api.js calls Rust`);
      }
    }
    if (file.endsWith('.css')) {
      assert.ok(text.startsWith('/* '), `${name}: starts with a comment saying what it is for`);
      assert.ok(!/@import|url\(\s*["']?https?:/.test(text), `${name}: no remote content`);
    }
  }
});
