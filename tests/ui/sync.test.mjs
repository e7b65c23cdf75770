// Browser test, keyboard only: two installations (two bridges) exchange their data in 設定 → 同期, every file and folder
// chosen in the (test double's) dialogs — A writes a bundle, B refuses it until the agent trusts A's fingerprint in 送り主,
// then takes it in with progress (once), a closed dialog changes
// nothing, an incremental export asks for the earlier bundle first, and both sync through a shared folder; the hub's
// settings refuse a URL holding a password and keep the timer, and a hub that does not answer is said so.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startBridge, launch, openUi, screenshot, tabTo, withDialogs, expectFocus, type, chooseOption } from './helpers.mjs';

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

/**
 * On the 設定 screen of `bridge`: presses the button of the sync form `id` with `answers` queued
 * for its dialogs; waits for the job's outcome, the refusal, or the quiet line of a closed dialog.
 * Resolves to {text, asked}: the form's text and the dialogs asked.
 */
async function runSync(page, bridge, id, answers) {
  await openUi(page, bridge.url, '#/settings');
  await page.waitForSelector(`main[data-screen="settings"] #${id}-start`);
  await tabTo(page, `#${id}-start`);
  const asked = await withDialogs(bridge, answers, async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (form) => {
        const title = document.getElementById(form).querySelector('.job-title');
        const refused = document.getElementById(`${form}-error`);
        const note = document.getElementById(`${form}-note`);
        return (title && /（(完了|失敗|キャンセル)）/.test(title.textContent)) || (refused && !refused.hidden) || (note && note.textContent !== '');
      },
      id,
      { timeout: 60000 },
    );
  });
  return { asked, text: await page.evaluate((form) => document.getElementById(form).innerText, id) };
}

test('a bundle written on one installation is taken in on another, once', async () => {
  const { page } = ui;
  const file = path.join(a.dir, 'a.mdgb');
  const written = await runSync(page, a, 'sync-export', [file]);
  assert.match(written.text, /完了/, written.text);
  assert.deepEqual(written.asked.map((d) => d.kind), ['save']);

  // B does not know A's key yet: refused, nothing written; 送り主 lists A with the fingerprint
  // to compare, and two presses trust it.
  const unknown = await runSync(page, b, 'sync-import', [file]);
  assert.match(unknown.text, /失敗/, unknown.text);
  assert.match(unknown.text, /not a trusted sender/, unknown.text);
  assert.equal((await b.call('status')).customers, 0);
  const own = (await a.call('senders')).own;
  await page.waitForFunction((fp) => document.querySelector(`#sender-list li[data-fingerprint="${fp}"]`), own.fingerprint);
  const row = await page.locator('#sender-list li').first().innerText();
  assert.ok(row.includes(own.fingerprint) && row.includes('未確認') && row.includes(own.name), row);
  assert.match(await page.locator('#sender-note').innerText(), /未確認の送り主/);
  await tabTo(page, '#sender-0');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'sender-yes');
  assert.match(await page.locator('#senders .backup-confirm').innerText(), new RegExp(own.fingerprint));
  await screenshot(page, '21-sync-sender-ask');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('sender-note').textContent.includes('信頼しました'));
  assert.match(await page.locator('#sender-list li').first().innerText(), /信頼済み/);
  assert.deepEqual((await b.call('senders')).senders.map((x) => [x.fingerprint, x.status]), [[own.fingerprint, 'trusted']]);

  const imported = await runSync(page, b, 'sync-import', [file]);
  assert.match(imported.text, /完了/, imported.text);
  assert.deepEqual(imported.asked.map((d) => d.kind), ['open']);
  await screenshot(page, '22-sync-import');
  assert.equal((await b.call('status')).customers, (await a.call('status')).customers);
  const again = await runSync(page, b, 'sync-import', [file]);
  assert.match(again.text, /適用\s*0/, again.text);
  // A damaged file is refused with the reason, and nothing is written.
  const broken = path.join(b.dir, 'broken.mdgb');
  await writeFile(broken, '{"format":"madoguchi-bundle"}\n');
  const refused = await runSync(page, b, 'sync-import', [broken]);
  assert.match(refused.text, /not a madoguchi bundle/, refused.text);
  assert.doesNotMatch(refused.text, /準備中/, refused.text);
  assert.equal((await b.call('status')).customers, (await a.call('status')).customers);
});

test('a closed dialog changes nothing and alarms no one', async () => {
  const { page } = ui;
  const customers = (await b.call('status')).customers;
  for (const id of ['sync-import', 'sync-export']) {
    const closed = await runSync(page, b, id, [null]);
    assert.equal(await page.locator(`#${id}-note`).innerText(), 'キャンセルしました', closed.text);
    assert.equal(await page.evaluate((form) => document.getElementById(`${form}-error`).hidden, id), true, 'no error');
    assert.equal(await page.locator(`#${id} .job-title`).count(), 0, 'no job was started');
    assert.equal(await page.locator('[role="alert"]:not([hidden]):not(:empty)').count(), 0, 'no alert anywhere');
  }
  assert.equal((await b.call('status')).customers, customers);
});

test('an incremental export asks for the earlier bundle, then where to write', async () => {
  const { page } = ui;
  await openUi(page, b.url, '#/settings');
  await page.waitForSelector('#sync-export-since');
  await tabTo(page, '#sync-export-since');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#sync-export-since'), true);
  await tabTo(page, '#sync-export-start');
  const out = path.join(b.dir, 'b-since.mdgb');
  const asked = await withDialogs(b, [path.join(a.dir, 'a.mdgb'), out], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /（(完了|失敗)）/.test((document.querySelector('#sync-export .job-title') || {}).textContent || ''), null, { timeout: 60000 });
  });
  assert.deepEqual(asked.map((d) => d.kind), ['open', 'save']);
  assert.match(await page.locator('#sync-export').innerText(), /完了/);
});

test('a snapshot for a new PC: the difference or the snapshot, never both; its file says it is one', async () => {
  const { page } = ui;
  await openUi(page, a.url, '#/settings');
  await page.waitForSelector('#sync-export-snapshot');
  await tabTo(page, '#sync-export-since');
  await page.keyboard.press('Space');
  await tabTo(page, '#sync-export-snapshot');
  await page.keyboard.press('Space');
  assert.deepEqual([await page.isChecked('#sync-export-since'), await page.isChecked('#sync-export-snapshot')], [false, true]);
  await tabTo(page, '#sync-export-start');
  const out = path.join(a.dir, 'a-snapshot.mdgb');
  const asked = await withDialogs(a, [out], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /（(完了|失敗)）/.test((document.querySelector('#sync-export .job-title') || {}).textContent || ''), null, { timeout: 60000 });
  });
  assert.deepEqual(asked.map((d) => d.kind), ['save'], 'no earlier bundle is asked for');
  assert.match(await page.locator('#sync-export').innerText(), /完了[\s\S]*新しい端末用のスナップショット/);
  const manifest = JSON.parse((await readFile(out, 'utf8')).split('\n')[0]);
  assert.equal(manifest.snapshot, true);
  await screenshot(page, '22b-sync-snapshot');
});

test('a shared folder: chosen once on A; B, with none set, is asked for it by its first sync', async () => {
  const { page } = ui;
  const shared = path.join(a.dir, 'shared');
  await mkdir(shared);

  await openUi(page, a.url, '#/settings');
  await page.waitForSelector('#sync-dir');
  assert.equal(await page.locator('#sync-dir').innerText(), '未設定');
  await tabTo(page, '#sync-choose');
  assert.equal(await page.locator('#sync-choose').innerText(), '共有フォルダを選ぶ…');
  // Closed: still unset.
  await withDialogs(a, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('sync-choose-note').textContent === 'キャンセルしました');
  });
  assert.equal(await page.locator('#sync-dir').innerText(), '未設定');
  const chose = await withDialogs(a, [shared], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction((dir) => document.getElementById('sync-dir').textContent === dir, shared);
  });
  assert.deepEqual(chose.map((d) => d.kind), ['folder']);
  assert.equal((await a.call('settings')).sync_dir, shared);
  await screenshot(page, '23-sync-folder-chosen');

  // A's sync uses the folder it has: no dialog.
  const synced = await runSync(page, a, 'sync-folder', []);
  assert.match(synced.text, /完了/, synced.text);

  // B has none: its sync asks for the folder, then shows it.
  const first = await runSync(page, b, 'sync-folder', [shared]);
  assert.deepEqual(first.asked.map((d) => d.kind), ['folder']);
  assert.match(first.text, /完了/, first.text);
  assert.equal(await page.locator('#sync-dir').innerText(), shared);
  assert.equal((await b.call('settings')).sync_dir, shared);
  await screenshot(page, '24-sync-folder-done');
});

test('the hub: a URL with a password is refused next to it; a URL and the timer are kept; a hub that does not answer is said so', async () => {
  const { page } = ui;
  await openUi(page, b.url, '#/settings');
  await page.waitForSelector('#hub-url');
  assert.equal(await page.locator('#hub-last').innerText(), 'ハブとはまだ同期していません');

  // A password in the URL: refused, naming the field, nothing kept.
  await tabTo(page, '#hub-url');
  await type(page, 'postgres://mdg_office:s3cret@127.0.0.1:9/office');
  await tabTo(page, '#hub-url-save');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#hub-error:not([hidden])');
  const refused = await page.locator('#hub-error').innerText();
  assert.match(refused, /ハブのURL/, refused);
  assert.match(refused, /keychain/, refused);
  assert.equal((await b.call('settings')).sync_hub, null);

  // A good one is kept; the timer too.
  // Enter in the URL box saves it (and never starts the form's sync).
  await tabTo(page, '#hub-url', { back: true });
  assert.equal(await page.evaluate(() => document.getElementById('hub-url').value), 'postgres://mdg_office:s3cret@127.0.0.1:9/office', 'what was typed stays');
  await page.keyboard.press('Control+A');
  await type(page, 'postgres://mdg_office@127.0.0.1:9/office');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('hub-note').textContent === 'ハブのURLを保存しました');
  assert.equal(await page.locator('#sync-hub .job-title').count(), 0, 'no sync started');
  assert.equal((await b.call('settings')).sync_hub, 'postgres://mdg_office@127.0.0.1:9/office');
  // A password for a URL typed but not saved: not kept, the agent is told why.
  await page.keyboard.press('End');
  await type(page, '2');
  await tabTo(page, '#hub-password');
  await type(page, 'pw-for-the-wrong-hub');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('hub-note').textContent.includes('先に「URLを保存」を押してください'));
  await tabTo(page, '#hub-url', { back: true });
  await page.keyboard.press('Backspace');
  await tabTo(page, '#hub-every');
  await chooseOption(page, '30');
  await page.waitForFunction(() => document.getElementById('hub-note').textContent === '自動同期: 30分ごと');
  assert.equal((await b.call('settings')).sync_hub_every, 30);

  // Nobody answers on port 9 (and no password is kept yet): the check says what is wrong.
  await tabTo(page, '#hub-check');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#hub-error:not([hidden])');
  const failed = await page.locator('#hub-error').innerText();
  assert.ok(failed.length > 0 && !failed.includes('s3cret'), failed);
  await screenshot(page, '47-sync-hub-settings');

  // 今すぐハブと同期: the job fails the same way, and the last sync stays unset.
  await tabTo(page, '#sync-hub-start');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /（失敗）/.test(document.querySelector('#sync-hub .job-title')?.textContent || ''), null, { timeout: 60000 });
  assert.equal((await b.call('settings')).sync_hub_last, null);
  assert.equal(await page.locator('#hub-last').innerText(), 'ハブとはまだ同期していません');
});
