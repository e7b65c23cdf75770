// Browser test, keyboard only: issue a receipt from a shipped card order, check the PDF, save a copy, re-issue it (再発行).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { startBridge, launch, openUi, screenshot, retype, findCustomer, openCustomerByKeyboard, chooseOption, tabTo, expectFocus } from './helpers.mjs';

let bridge;
let ui;

const ISSUER = { name: 'アマノ株式会社', postal_code: '222-8558', address: '神奈川県横浜市港北区大豆戸町275', phone: '045-401-1441', registration_number: 'T7000012050002' };

before(async () => {
  bridge = await startBridge({ seed: 300 });
  await bridge.call('set_issuer', { service: 'amano-shop', issuer: ISSUER });
  ui = await launch();
});

after(async () => {
  if (ui) await ui.browser.close();
  if (bridge) await bridge.stop();
});

async function isPdf(file) {
  const bytes = await readFile(file);
  return bytes.subarray(0, 5).toString('latin1') === '%PDF-';
}

test('a receipt from a shipped credit-card order: issued, a PDF on disk, a copy saved, re-issued', async () => {
  const { page } = ui;
  let order = null;
  const found = await findCustomer(bridge, 'AM', 8, (view) => {
    const a = view.accounts.find((x) => x.service === 'amano-shop');
    order = a && a.orders.find((o) => o.payment_method === 'credit_card' && o.shipped_on);
    return Boolean(order);
  });

  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, found.number, found.view.name);
  await page.keyboard.press('d');
  await page.waitForSelector('#doc-type');
  await expectFocus(page, 'doc-type');
  // The seven types from document_types.
  const types = await page.evaluate(() => [...document.querySelectorAll('#doc-type option')].map((o) => o.value));
  assert.deepEqual(types.sort(), ['cooling_off', 'dealer_change_fax', 'delivery_note', 'estimate', 'invoice', 'receipt', 'refund_claim']);
  await chooseOption(page, 'receipt');
  await page.keyboard.press('Tab');
  await chooseOption(page, order.id);
  await tabTo(page, '#doc-draft');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#doc-form');
  // The draft is editable: recipient, lines, dates.
  const recipient = page.locator('[data-field="recipient.name"]');
  assert.equal((await recipient.inputValue()).length > 0, true);
  assert.equal(await page.locator('[data-field="lines[0].name"]').count(), 1);
  await tabTo(page, '[data-field="recipient.name"]');
  await retype(page, `${found.view.name}（テスト）`);
  await screenshot(page, '06-documents-draft');

  await page.keyboard.press('Alt+I');
  await page.waitForSelector('#doc-result:not([hidden]) #doc-number');
  const number = await page.locator('#doc-number').innerText();
  const file = await page.locator('#doc-path').innerText();
  assert.match(number, /^RC-[A-Z0-9]+-\d{6}$/);
  assert.ok((await stat(file)).size > 1000, 'the PDF was written');
  assert.ok(await isPdf(file), 'and starts with %PDF');
  assert.match(await page.locator('#doc-pages').innerText(), /1ページ/);
  await screenshot(page, '07-documents-issued');

  // Save a copy where the agent chooses.
  const copy = path.join(bridge.dir, 'ひかえ.pdf');
  await tabTo(page, '#doc-save-path');
  await retype(page, copy);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('保存しました'));
  assert.ok(await isPdf(copy), 'the copy is the PDF');

  // Open in the viewer (the bridge answers the path).
  await tabTo(page, '#doc-open');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('開きました'));

  // The customer's issued documents list it; re-issue it from there.
  await page.waitForSelector(`#doc-issued button[data-number="${number}"]`);
  await tabTo(page, `#doc-issued button[data-number="${number}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#doc-result h2') && document.querySelector('#doc-result h2').textContent.includes('再発行'));
  const reissued = await page.locator('#doc-path').innerText();
  assert.notEqual(reissued, file);
  assert.ok(await isPdf(reissued));
  assert.equal(await page.locator('#doc-number').innerText(), number, 'a re-issue keeps the number');
  // The list shows the re-issue, marked.
  await page.waitForFunction((n) => [...document.querySelectorAll('#doc-issued tr')].some((tr) => tr.textContent.includes(n) && tr.querySelector('.badge') && tr.querySelector('.badge').textContent === '再発行'), number);
  await screenshot(page, '08-documents-reissued');

  const view = await bridge.call('customer', { id: found.id });
  const mine = view.documents.filter((d) => d.number === number);
  assert.equal(mine.length, 2, `the customer's documents list the receipt and its re-issue: ${JSON.stringify(view.documents)}`);
  assert.equal(mine.filter((d) => d.reissue_of).length, 1);
});
