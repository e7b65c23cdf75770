// Browser test, keyboard only: a CSV import warns of postal codes not Japan Post's or of another prefecture (and writes the rows);
// the customer's 登録内容の変更: typing a postal code fills 都道府県, 市区町村 and the 町域 (a choice when several, a quiet hint when unknown),
// saved, the customer view shows the new address; a card number in the address is refused next to the field.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, type, retype, tabTo, expectFocus, openSession, closeSession, openCustomerByKeyboard, importCsv, jobSettled } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 20 })));
after(() => closeSession({ bridge, ui }));

const value = (page, id) => page.evaluate((i) => document.getElementById(i).value, id);

test('an import warns of planted postal-code mismatches; the edit form fills the address from the postal code and saves', async () => {
  const { page } = ui;
  await openUi(page, bridge.url);

  // 設定 → CSV import: line 3's code is Tokyo's on an Osaka row, line 4's is no code at all; both rows are written.
  await importCsv(
    page,
    bridge,
    'postal.csv',
    'service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\n' +
      'alwater,AW90000001,郵便　一郎,ユウビン イチロウ,東京都,100-0001,千代田区千代田1-1,03-5555-0101\n' +
      'alwater,AW90000002,郵便　次郎,ユウビン ジロウ,大阪府,100-0001,千代田区千代田1-2,03-5555-0102\n' +
      'alwater,AW90000003,郵便　三郎,ユウビン サブロウ,東京都,999-9999,千代田区千代田1-3,03-5555-0103\n',
    '#job-outcome .import-warnings',
  );
  const outcome = await page.locator('#job-outcome').innerText();
  assert.ok(outcome.includes('確認が必要な行: 2件（取り込みました）'), outcome);
  const rows = await page.locator('#job-outcome .import-warnings tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^3\s+郵便番号\s+郵便番号 100-0001 は東京都千代田区の番号です（この行の都道府県は大阪府）/);
  assert.match(rows[1], /^4\s+郵便番号\s+郵便番号 999-9999 は日本郵便の郵便番号データ/);
  assert.equal(await page.locator('#job-outcome .import-errors').count(), 0, 'no errors');
  assert.equal((await bridge.call('status')).customers, 23, 'every row was written');
  await screenshot(page, '40-import-postal-warnings');

  // The customer of line 3 (from the search screen, once the job has settled); E opens the form
  // with the stored address split into 市区町村 and the rest.
  await jobSettled(page);
  await page.keyboard.press('Alt+1');
  await page.waitForSelector('main[data-screen="search"]');
  await expectFocus(page, 'search-box');
  await openCustomerByKeyboard(page, 'AW90000002', '郵便　次郎');
  await expectFocus(page, 'go-quote');
  await page.keyboard.press('e');
  await expectFocus(page, 'edit-name');
  assert.equal(await value(page, 'edit-postal_code'), '100-0001');
  assert.equal(await value(page, 'edit-prefecture'), '大阪府');
  await page.waitForFunction(() => document.getElementById('edit-city').value === '千代田区');
  assert.equal(await value(page, 'edit-address'), '千代田1-2');

  // The address emptied, then an unknown code: a quiet hint, nothing filled, nothing refused.
  await tabTo(page, '#edit-address');
  await retype(page, '');
  await tabTo(page, '#edit-postal_code', { back: true });
  await retype(page, '0000000');
  await page.waitForFunction(() => document.getElementById('edit-postal-hint').textContent.includes('ありません'));
  assert.equal(await value(page, 'edit-prefecture'), '大阪府', 'an unknown code changes nothing');

  // A code with two towns: 都道府県 and 市区町村 filled at once, the towns offered.
  await retype(page, '068-0546');
  await page.waitForSelector('#edit-postal-choices:not([hidden]) .postal-choice');
  assert.equal(await value(page, 'edit-prefecture'), '北海道');
  assert.equal(await value(page, 'edit-city'), '夕張市');
  assert.deepEqual(await page.locator('.postal-choice').allInnerTexts(), ['夕張市南部青葉町', '夕張市南部菊水町']);
  await screenshot(page, '41-customer-edit-towns');
  await tabTo(page, '.postal-choice[data-index="1"]');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'edit-address');
  assert.equal(await value(page, 'edit-address'), '南部菊水町');
  assert.equal(await page.evaluate(() => document.getElementById('edit-postal-choices').hidden), true);

  // Another code: the town the form filled is replaced; 060-0001 has one town.
  await tabTo(page, '#edit-postal_code', { back: true });
  await retype(page, '０６０－０００１');
  await page.waitForFunction(() => document.getElementById('edit-city').value === '札幌市中央区');
  assert.equal(await value(page, 'edit-prefecture'), '北海道');
  assert.equal(await value(page, 'edit-address'), '北一条西');
  await tabTo(page, '#edit-address');
  await page.keyboard.press('End');
  await type(page, '2丁目1-1');
  await screenshot(page, '42-customer-edit-filled');
  await tabTo(page, '#edit-save');
  await page.keyboard.press('Enter');

  // Saved: the screen is drawn again from the stored customer.
  await page.waitForFunction(() => {
    const main = document.querySelector('main[data-screen="customer"]');
    return main && main.textContent.includes('〒060-0001 北海道札幌市中央区北一条西2丁目1-1');
  }).catch(async () => {
    throw new Error(`the view was not updated: ${await page.locator('main').innerText()}`);
  });
  assert.equal(await page.evaluate(() => document.getElementById('customer-edit').hidden), true);
  const stored = (await bridge.call('lookup', { query: 'AW90000002' })).results[0];
  const view = await bridge.call('customer', { id: stored.customer_id });
  assert.deepEqual([view.postal_code, view.prefecture, view.address], ['060-0001', '北海道', '札幌市中央区北一条西2丁目1-1']);
  await screenshot(page, '43-customer-edited');

  // The same checks as every edit: a card number in the address is refused next to it, nothing written.
  await expectFocus(page, 'go-quote');
  await page.keyboard.press('e');
  await expectFocus(page, 'edit-name');
  await tabTo(page, '#edit-address');
  await retype(page, '北一条西 4111 1111 1111 1111');
  await tabTo(page, '#edit-save');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#edit-address-error:not([hidden])');
  const refusal = await page.locator('#edit-address-error').innerText();
  assert.ok(refusal.includes('カード番号'), refusal);
  assert.equal(await page.getAttribute('#edit-address', 'aria-invalid'), 'true');
  assert.equal((await bridge.call('customer', { id: stored.customer_id })).address, '札幌市中央区北一条西2丁目1-1', 'nothing was written');
  await page.keyboard.press('Escape');
  await expectFocus(page, 'go-edit');
});
