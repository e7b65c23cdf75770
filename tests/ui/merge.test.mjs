// Browser test, keyboard only: 名寄せ. A CSV import lists a planted likely duplicate (the same person at two services, nothing merged);
// the customer screen offers it, a first Enter only asks (Escape backs out, nothing written), the second merges: the other's
// account and call note are this customer's, the other is gone, and the search by its customer number finds the kept one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, tabTo, expectFocus, openSession, closeSession, openCustomerByKeyboard, importCsv, jobSettled } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 20 })));
after(() => closeSession({ bridge, ui }));

const focusedClass = (page) => page.evaluate(() => document.activeElement.className);

test('an import lists a likely duplicate; the customer screen merges it after a second confirmation', async () => {
  const { page } = ui;
  await openUi(page, bridge.url);

  // Line 3 is line 2's person at another service: the same phone (another format) and the same kana.
  await importCsv(
    page,
    bridge,
    'duplicates.csv',
    'service,customer_number,name,name_kana,prefecture,postal_code,address,phone1,email\n' +
      'alwater,AW91000001,名寄　花子,ナヨセ ハナコ,東京都,100-0001,千代田区千代田1-1,03-5555-0201,hanako@nayose.example.jp\n' +
      'kaunet,KN91000001,名寄　花子,ﾅﾖｾ ﾊﾅｺ,東京都,100-0001,千代田区千代田1-1,0355550201,\n' +
      'plus-aqua,PA91000001,別人　一郎,ベツジン イチロウ,東京都,100-0001,千代田区千代田3-3,03-5555-0203,\n',
    '#job-outcome .import-duplicates',
  );
  const outcome = await page.locator('#job-outcome').innerText();
  assert.ok(outcome.includes('同一人物の可能性がある顧客: 1組（統合はしていません'), outcome);
  const listed = await page.locator('#job-outcome .import-duplicates tbody tr').allInnerTexts();
  assert.equal(listed.length, 1, listed.join('\n'));
  assert.match(listed[0], /^3\s+KN91000001\s+名寄　花子 AW91000001\s+電話番号＋フリガナ$/);
  assert.equal((await bridge.call('status')).customers, 23, 'every row was written, none merged');
  await screenshot(page, '44-import-duplicates');

  const other = (await bridge.call('lookup', { query: 'KN91000001' })).results[0].customer_id;
  await bridge.call('add_note', { customer_id: other, body: 'かうネットの件でお電話あり' });

  // The customer screen of line 2 offers line 3.
  await jobSettled(page);
  await page.keyboard.press('Alt+1');
  await page.waitForSelector('main[data-screen="search"]');
  await expectFocus(page, 'search-box');
  await openCustomerByKeyboard(page, 'AW91000001', '名寄　花子');
  await expectFocus(page, 'go-quote');
  await page.waitForSelector('#duplicates-panel:not([hidden]) #duplicates-list tbody tr');
  const offered = await page.locator('#duplicates-list tbody tr').allInnerTexts();
  assert.equal(offered.length, 1);
  assert.ok(offered[0].includes('KN91000001') && offered[0].includes('フリガナ'), offered[0]);

  // First Enter: only the question, the safe answer focused; Escape backs out and nothing is written.
  await tabTo(page, '#duplicates-list button.merge');
  await page.keyboard.press('Enter');
  await expectFocus(page, 'merge-confirm-no');
  const question = await page.locator('#merge-confirm').innerText();
  assert.ok(question.includes('名寄　花子（カウネット KN91000001）を、このお客様（名寄　花子）に統合しますか'), question);
  assert.ok(question.includes('KN91000001') && question.includes('統合は元に戻せません'), question);
  await screenshot(page, '45-merge-confirm');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#merge-confirm', { state: 'hidden' });
  assert.ok((await focusedClass(page)).includes('merge'), 'the focus is back on the merge button');
  assert.equal((await bridge.call('customer_duplicates', { id: other })).length, 1, 'nothing was merged');

  // Second time: 統合する.
  await page.keyboard.press('Enter');
  await expectFocus(page, 'merge-confirm-no');
  await page.keyboard.press('Shift+Tab');
  await expectFocus(page, 'merge-confirm-yes');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('toast').textContent.includes('を統合しました'));
  const toast = await page.locator('#toast').innerText();
  assert.ok(toast.includes('ご契約 1件') && toast.includes('通話メモ 1件'), toast);
  await page.waitForFunction(() => {
    const main = document.querySelector('main[data-screen="customer"]');
    return main && main.textContent.includes('ご契約（2件）') && main.textContent.includes('かうネットの件でお電話あり');
  });
  assert.equal(await page.evaluate(() => document.getElementById('duplicates-panel').hidden), true, 'no duplicate is offered any more');
  await screenshot(page, '46-merged');

  const kept = (await bridge.call('lookup', { query: 'AW91000001' })).results[0].customer_id;
  assert.equal((await bridge.call('lookup', { query: 'KN91000001' })).results[0].customer_id, kept, 'the moved account finds the kept customer');
  assert.equal((await bridge.call('status')).customers, 22, 'the other customer is gone');
  await assert.rejects(bridge.call('customer', { id: other }), (e) => e.body.code === 'not_found');
});
