// Browser test, keyboard only: the files and folders of 設定, chosen in the (test double's) dialogs, never typed — the
// documents folder, the log folder shown, an issuer's seal image (a non-PNG refused, removed again), the database file
// (a new one, an existing name refused, the old one opened again); every closed dialog leaves things as they were.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openUi, screenshot, tabTo, expectFocus, openSession, closeSession, withDialogs, ROOT } from './helpers.mjs';

let bridge;
let ui;

const ISSUER = { name: 'アルウォーター株式会社', postal_code: '105-0001', address: '東京都港区虎ノ門1-1-1', phone: '0120-000-000' };

before(async () => {
  ({ bridge, ui } = await openSession({ seed: 50 }));
  await bridge.call('set_issuer', { service: 'alwater', issuer: ISSUER });
});
after(() => closeSession({ bridge, ui }));

async function settingsScreen(page) {
  await openUi(page, bridge.url, '#/settings');
  await page.waitForSelector('main[data-screen="settings"] #documents-dir');
}

test('no path is typed anywhere in 設定: folders and files are shown, with buttons', async () => {
  const { page } = ui;
  await settingsScreen(page);
  const inputs = await page.evaluate(() =>
    [...document.querySelectorAll('main input[type="text"]')].map((i) => i.id).filter((id) => !/^(setting-agent|setting-installation|seed-count|issuer-|hub-url$)/.test(id)),
  );
  // The hub's URL is a server's address, not a file: typed as an office's IT gives it.
  assert.deepEqual(inputs, [], "only names, codes, counts, issuer fields and the hub's URL are typed");
  const status = await bridge.call('status');
  assert.equal(await page.locator('#documents-dir').innerText(), status.documents_dir);
  assert.equal(await page.locator('#db-path').innerText(), status.db_path);
  // The log folder: read only, with what it is for (the bridge keeps no log: null).
  assert.equal(status.log_dir, null);
  assert.equal(await page.locator('#log-dir').innerText(), '（記録しません）');
  assert.ok((await page.locator('#log-dir').evaluate((el) => el.closest('.path-block').innerText)).includes('エラーはここに記録されます'));
  await screenshot(page, '16b-settings-files');
});

test('the documents folder: a closed dialog keeps it; a chosen folder becomes it', async () => {
  const { page } = ui;
  await settingsScreen(page);
  const before = (await bridge.call('settings')).documents_dir;
  await tabTo(page, '#choose-documents-dir');
  assert.equal(await page.locator('#choose-documents-dir').innerText(), '書類の保存先を選ぶ…');
  await withDialogs(bridge, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('documents-dir-note').textContent === 'キャンセルしました');
  });
  assert.equal((await bridge.call('settings')).documents_dir, before);
  assert.equal(await page.locator('#documents-dir').innerText(), before);
  assert.equal(await page.evaluate(() => document.getElementById('documents-dir-error').hidden), true);

  const folder = path.join(bridge.dir, '書類');
  await mkdir(folder);
  const asked = await withDialogs(bridge, [folder], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction((f) => document.getElementById('documents-dir').textContent === f, folder);
  });
  assert.deepEqual(asked.map((d) => d.kind), ['folder']);
  assert.equal((await bridge.call('settings')).documents_dir, folder);
  assert.equal((await bridge.call('status')).documents_dir, folder);
  await expectFocus(page, 'choose-documents-dir');
});

test("an issuer's seal image: refused when not a PNG, stored when one, removed when switched off", async () => {
  const { page } = ui;
  await settingsScreen(page);
  // An issuer not yet stored cannot take a seal.
  assert.equal(await page.isDisabled('#issuer-kaunet-seal-choose'), true);
  // The stored issuer's form is folded: open it by keyboard.
  await tabTo(page, 'form[aria-label="アルウォーターの発行者"] summary');
  await page.keyboard.press('Enter');
  await tabTo(page, '#issuer-alwater-seal-choose');
  assert.equal(await page.locator('#issuer-alwater-seal-choose').innerText(), '印影画像を選ぶ…');
  assert.match(await page.locator('#issuer-alwater-seal-state').innerText(), /印影なし/);

  const notPng = path.join(bridge.dir, 'seal.txt');
  await writeFile(notPng, 'not an image');
  await withDialogs(bridge, [notPng], async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector('#issuer-alwater-seal-error:not([hidden])');
  });
  const refusal = await page.locator('#issuer-alwater-seal-error').innerText();
  assert.match(refusal, /PNG/, refusal);
  assert.equal((await bridge.call('settings')).issuers.alwater.seal, false);

  await withDialogs(bridge, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('issuer-alwater-seal-note').textContent === 'キャンセルしました');
  });
  assert.equal((await bridge.call('settings')).issuers.alwater.seal, false);

  const asked = await withDialogs(bridge, [path.join(ROOT, 'assets', 'samples', 'seal.png')], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('issuer-alwater-seal-state').textContent.includes('登録済み'));
  });
  assert.deepEqual(asked.map((d) => d.kind), ['open']);
  assert.equal(await page.evaluate(() => document.getElementById('issuer-alwater-seal-error').hidden), true, 'the earlier refusal is gone');
  assert.equal((await bridge.call('settings')).issuers.alwater.seal, true);
  await screenshot(page, '16c-settings-seal');

  // 書類に印影を押す switched off and the issuer saved: the seal is removed.
  await tabTo(page, '#issuer-alwater-seal', { back: true });
  assert.equal(await page.isChecked('#issuer-alwater-seal'), true);
  await page.keyboard.press('Space');
  await tabTo(page, 'form[aria-label="アルウォーターの発行者"] button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('issuer-alwater-seal-state').textContent.includes('印影なし'));
  const issuer = (await bridge.call('settings')).issuers.alwater;
  assert.equal(issuer.seal, false);
  assert.equal(issuer.name, ISSUER.name, 'the issuer itself is kept');
});

test('the database file: a new one (an existing name refused), then the old one opened again; a closed dialog keeps it', async () => {
  const { page } = ui;
  await settingsScreen(page);
  const original = await bridge.call('status');
  assert.ok(original.customers > 0);

  // 新しいデータベース… onto an existing file: refused (never overwritten), the error shown.
  const taken = path.join(bridge.dir, 'taken.sqlite3');
  await writeFile(taken, 'someone else\'s file');
  await tabTo(page, '#db-create');
  assert.equal(await page.locator('#db-create').innerText(), '新しいデータベース…');
  await withDialogs(bridge, [taken], async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector('#db-path-error:not([hidden])');
  });
  assert.match(await page.locator('#db-path-error').innerText(), /データベースファイル/);
  assert.equal((await bridge.call('status')).db_path, original.db_path);

  // A new file: the app switches to it (empty).
  const fresh = path.join(bridge.dir, 'new.sqlite3');
  await expectFocus(page, 'db-create');
  const asked = await withDialogs(bridge, [fresh], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction((f) => document.getElementById('db-path').textContent === f, fresh);
  });
  assert.deepEqual(asked.map((d) => d.kind), ['save']);
  assert.equal(await page.evaluate(() => document.getElementById('db-path-error').hidden), true);
  const now = await bridge.call('status');
  assert.equal(now.db_path, fresh);
  assert.equal(now.customers, 0);
  assert.match(await page.locator('#db-info').innerText(), /お客様 0件/);

  // データベースを開く…, closed: still the new one.
  await tabTo(page, '#db-open', { back: true });
  await withDialogs(bridge, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('db-path-note').textContent === 'キャンセルしました');
  });
  assert.equal((await bridge.call('status')).db_path, fresh);

  // The old file opened again.
  const opened = await withDialogs(bridge, [original.db_path], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction((f) => document.getElementById('db-path').textContent === f, original.db_path);
  });
  assert.deepEqual(opened.map((d) => d.kind), ['open']);
  assert.equal((await bridge.call('status')).customers, original.customers);
  assert.match(await page.locator('#db-info').innerText(), new RegExp(`お客様 ${original.customers.toLocaleString('ja-JP')}件`));
  await screenshot(page, '16d-settings-database');
});
