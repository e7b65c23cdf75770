// Browser test, keyboard only: 設定 → バックアップ. None at first; one made now; a note added after it; the restore asks
// once more (やめる changes nothing), then brings the database back to the backup's moment and names where the replaced one
// was kept.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { openUi, screenshot, tabTo, expectFocus, openSession, closeSession, findCustomer } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 40 })));
after(() => closeSession({ bridge, ui }));

test('a backup made now is restored after a change, asking once more first', async () => {
  const { page } = ui;
  await openUi(page, bridge.url, '#/settings');
  await page.waitForSelector('main[data-screen="settings"] #backup-dir');
  assert.match(await page.locator('#backup-last').innerText(), /まだありません/);
  assert.match(await page.locator('#backup-dir').innerText(), /madoguchi-backups$/);

  await tabTo(page, '#backup-now');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#backup-restore-0');
  const listed = await bridge.call('backups');
  assert.equal(listed.backups.length, 1);
  assert.doesNotMatch(await page.locator('#backup-last').innerText(), /まだありません/);

  // A change after the backup: a note.
  const found = await findCustomer(bridge, 'AW', 8);
  const before = (await bridge.call('customer', { id: found.id })).notes.length;
  await bridge.call('add_note', { customer_id: found.id, body: 'バックアップの後のメモ' });

  // The first press only asks; やめる leaves everything as it was.
  await tabTo(page, '#backup-restore-0');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'backup-restore-no');
  await screenshot(page, '30-backup-restore-confirm');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'backup-restore-0');
  assert.equal((await bridge.call('customer', { id: found.id })).notes.length, before + 1, 'やめる restores nothing');

  await page.keyboard.press('Enter');
  await expectFocus(page, 'backup-restore-no');
  await page.keyboard.press('Shift+Tab');
  await expectFocus(page, 'backup-restore-yes');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('backup-dir-note').textContent.includes('戻しました'));
  const note = await page.locator('#backup-dir-note').innerText();
  assert.match(note, /新しい端末になりました/, 'the agent is told the others trust it again');
  const replaced = note.split('以前のデータベース: ')[1].trim();
  assert.ok(existsSync(replaced), `the replaced database is kept: ${replaced}`);
  assert.equal((await bridge.call('customer', { id: found.id })).notes.length, before, 'back to the moment of the backup');
  await screenshot(page, '31-backup-restored');
});
