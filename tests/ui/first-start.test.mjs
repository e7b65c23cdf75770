// Browser test, keyboard only: first start on an empty database — sample data cancelled (nothing written), then
// completed; then the settings (agent, numbering code refused then saved, an issuer) and a CSV import with progress,
// its file chosen in the (test double's) open dialog: refused whole, skipping bad rows, and a closed dialog that changes nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openUi, screenshot, type, retype, tabTo, expectFocus, openSession, closeSession, withDialogs } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession()));
after(() => closeSession({ bridge, ui }));

test('no customers: sample data offered; a cancelled seed writes nothing; a finished one fills the database', async () => {
  const { page } = ui;
  assert.equal((await bridge.call('status')).customers, 0);
  await openUi(page, bridge.url);
  await page.waitForSelector('main[data-screen="setup"] #seed-count');
  await expectFocus(page, 'seed-count');
  assert.equal(await page.inputValue('#seed-count'), '1000');
  await screenshot(page, '12-first-start');

  // A big seed, cancelled while it runs.
  await retype(page, '100000');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'job-cancel');
  await page.waitForFunction(() => Number(document.getElementById('job-progress').value) > 0);
  await screenshot(page, '13-first-start-progress');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('job-outcome').textContent.includes('キャンセル'), null, { timeout: 60000 });
  await screenshot(page, '14-first-start-cancelled');
  assert.equal((await bridge.call('status')).customers, 0, 'nothing was written');
  assert.equal((await bridge.call('requests', {})).requests.length, 0);

  // Then the default 1,000, to the end.
  await expectFocus(page, 'seed-start');
  await page.keyboard.press('Shift+Tab');
  await expectFocus(page, 'seed-count');
  await retype(page, '1000');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'job-continue', null, { timeout: 60000 });
  assert.ok((await page.locator('#job-outcome').innerText()).includes('完了'));
  assert.equal((await bridge.call('status')).customers, 1000);
  await screenshot(page, '15-first-start-done');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main[data-screen="search"]');
  await expectFocus(page, 'search-box');
});

test('settings by keyboard: agent name, a refused then accepted numbering code, an issuer, a CSV import', async () => {
  const { page } = ui;
  await page.keyboard.press('Alt+6');
  await page.waitForSelector('main[data-screen="settings"] #setting-agent');
  await expectFocus(page, 'setting-agent');
  await retype(page, '山本　花子');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('agent-name').textContent.includes('山本　花子'));
  assert.equal((await bridge.call('settings')).agent_name, '山本　花子');

  await tabTo(page, '#setting-installation');
  await retype(page, 'ab-1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#setting-installation-error:not([hidden])');
  const refusal = await page.locator('#setting-installation-error').innerText();
  assert.ok(refusal.includes('採番用の端末コード'), refusal);
  await expectFocus(page, 'setting-installation');
  await retype(page, 'T01');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('setting-installation-error').hidden);
  assert.equal((await bridge.call('settings')).installation, 'T01');

  await tabTo(page, '#issuer-kaunet-name');
  await type(page, 'KDDIまとめてオフィス株式会社');
  await page.keyboard.press('Tab');
  await type(page, '102-0072');
  await page.keyboard.press('Tab');
  await type(page, '東京都千代田区飯田橋3-10-10');
  await page.keyboard.press('Tab');
  await type(page, '0077-777-000');
  await page.keyboard.press('Enter');
  let issuer = null;
  for (let i = 0; i < 50 && !issuer; i++) {
    issuer = (await bridge.call('settings')).issuers.kaunet;
    if (!issuer) await page.waitForTimeout(100);
  }
  assert.equal(issuer && issuer.name, 'KDDIまとめてオフィス株式会社');
  assert.equal(issuer.phone, '0077-777-000');
  await screenshot(page, '16-settings');

  // A CSV import with the same progress UI; the file is chosen in an open dialog, not typed.
  const csv = path.join(bridge.dir, 'customers.csv');
  await writeFile(
    csv,
    'service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\n' + 'alwater,AW90000001,取込　太郎,トリコミ タロウ,東京都,100-0001,千代田区千代田1-1,03-5555-0101\n',
  );
  assert.equal(await page.locator('#import-path').count(), 0, 'no path is typed');
  assert.equal(await page.inputValue('#import-encoding'), 'auto', 'the encoding is detected unless chosen');
  await tabTo(page, '#import-start');
  assert.equal(await page.locator('#import-start').innerText(), 'CSVファイルを選んで取り込む…');
  const asked = await withDialogs(bridge, [csv], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('job-outcome') && document.getElementById('job-outcome').textContent.includes('完了'), null, { timeout: 30000 });
  });
  assert.deepEqual(asked.map((d) => d.kind), ['open']);
  assert.equal((await bridge.call('status')).customers, 1001);
  await screenshot(page, '17-settings-import');

  // A file with a bad row: nothing written, the row and field listed.
  const bad = path.join(bridge.dir, 'bad.csv');
  await writeFile(
    bad,
    'service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\n' +
      'alwater,AW90000002,取込　次郎,トリコミ ジロウ,東京都,100-0001,千代田区千代田1-2,03-5555-0102\n' +
      'alwater,AW90000003,取込　三郎,トリコミ サブロウ,東京都,100-0001,千代田区千代田1-3,12345\n',
  );
  await expectFocus(page, 'import-start');
  await withDialogs(bridge, [bad], async () => {
    await page.keyboard.press('Enter');
    await page.waitForSelector('#job-outcome .import-errors');
  });
  const listed = await page.locator('#job-outcome').innerText();
  assert.ok(listed.includes('何も書き込んでいません'), listed);
  assert.ok(/\b3\b/.test(await page.locator('#job-outcome .import-errors tbody').innerText()), 'line 3 is named');
  assert.equal((await bridge.call('status')).customers, 1001);
  await screenshot(page, '17b-settings-import-refused');

  // The agent closes the dialog: nothing alarming, nothing changed, the last report stays.
  await expectFocus(page, 'import-start');
  await withDialogs(bridge, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('import-note').textContent.includes('キャンセルしました'));
  });
  assert.equal(await page.evaluate(() => document.getElementById('import-error').hidden), true, 'no error shown');
  assert.ok((await page.locator('#job-outcome').innerText()).includes('何も書き込んでいません'), 'the last report is still there');
  assert.equal((await bridge.call('status')).customers, 1001);
  await expectFocus(page, 'import-start');

  // The same file with 誤りのある行を飛ばして取り込む: the good row is taken, the bad one listed.
  await tabTo(page, '#import-skip-bad', { back: true });
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('#import-skip-bad'), true);
  await tabTo(page, '#import-start');
  await withDialogs(bridge, [bad], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /（完了）/.test(document.querySelector('#job-area .job-title').textContent), null, { timeout: 30000 });
  });
  assert.equal((await bridge.call('status')).customers, 1002);
  assert.equal(await page.evaluate(() => document.getElementById('import-note').textContent), '', 'the quiet line is cleared by the next run');
});
