// Browser test, keyboard only: two installations (two bridges) exchange their data in 設定 → 同期 — A writes a
// bundle, B takes it in with progress; B then holds A's customers, and taking the same file in again changes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startBridge, launch, openUi, screenshot, type, tabTo } from './helpers.mjs';

let a;
let b;
let ui;

before(async () => {
  a = await startBridge({ seed: 300 });
  b = await startBridge();
  ui = await launch();
});

after(async () => {
  if (ui) await ui.browser.close();
  for (const bridge of [a, b]) if (bridge) await bridge.stop();
});

/** On the 設定 screen of `bridge`: types `file` into the form `id` and runs it; waits for the job's outcome. */
async function runSync(page, bridge, id, file) {
  await openUi(page, bridge.url, '#/settings');
  await page.waitForSelector(`main[data-screen="settings"] #${id}`);
  await tabTo(page, `#${id}`);
  await type(page, file);
  await page.keyboard.press('Enter');
  // The job's outcome, or the refusal shown at the field when the job cannot start.
  await page.waitForFunction((form) => {
    const title = document.querySelector(`#${form}`).closest('form').querySelector('.job-title');
    const refused = document.getElementById(`${form}-error`);
    return (title && /（(完了|失敗|キャンセル)）/.test(title.textContent)) || (refused && !refused.hidden);
  }, id, { timeout: 60000 });
  return page.evaluate((form) => document.querySelector(`#${form}`).closest('form').innerText, id);
}

test('a bundle written on one installation is taken in on another, once', async () => {
  const { page } = ui;
  const file = path.join(a.dir, 'a.mdgb');
  const written = await runSync(page, a, 'sync-export', file);
  assert.match(written, /完了/, written);
  const imported = await runSync(page, b, 'sync-import', file);
  assert.match(imported, /完了/, imported);
  await screenshot(page, '22-sync-import');
  assert.equal((await b.call('status')).customers, (await a.call('status')).customers);
  const again = await runSync(page, b, 'sync-import', file);
  assert.match(again, /適用\s*0/, again);
  // A damaged file is refused with the reason, and nothing is written.
  const broken = path.join(b.dir, 'broken.mdgb');
  await (await import('node:fs/promises')).writeFile(broken, '{"format":"madoguchi-bundle"}\n');
  const refused = await runSync(page, b, 'sync-import', broken);
  assert.match(refused, /not a madoguchi bundle/, refused);
  assert.doesNotMatch(refused, /準備中/, refused);
  assert.equal((await b.call('status')).customers, (await a.call('status')).customers);
});
