// Browser test, keyboard only: issue a receipt from a shipped card order, check the PDF, print it, save a copy through the
// (test double's) save dialog — a closed dialog, a file replaced only on yes, the open database refused — and re-issue it (再発行).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startBridge, launch, openUi, screenshot, retype, findCustomer, openCustomerByKeyboard, chooseOption, tabTo, expectFocus, withDialogs } from './helpers.mjs';

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

/** Opens the customer's 書類 screen by keyboard and drafts a document of `docType` (none from an order). */
async function draftFor(page, found, docType) {
  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, found.number, found.view.name);
  await page.keyboard.press('d');
  await page.waitForSelector('#doc-type');
  await chooseOption(page, docType);
  await tabTo(page, '#doc-draft');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#doc-form');
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

  // 印刷: the latest print goes to the system's printing (the bridge only answers the path); no dialog.
  const message = () => page.locator('#doc-result-message').innerText();
  const printed = await withDialogs(bridge, [], async () => {
    await tabTo(page, '#doc-print');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('プリンターに送りました'));
  });
  assert.deepEqual(printed, []);
  assert.ok((await message()).includes(file), 'the printed file is named');
  await screenshot(page, '07b-documents-printed');

  // Open in the viewer (the bridge answers the path).
  await tabTo(page, '#doc-open');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('開きました'));

  // コピーを保存…: where is asked in a save dialog, <number>.pdf suggested; no path is typed on the page.
  assert.equal(await page.locator('#doc-save-path').count(), 0);
  const copy = path.join(bridge.dir, 'ひかえ.pdf');
  await tabTo(page, '#doc-save');
  assert.equal(await page.locator('#doc-save').innerText(), 'コピーを保存…');
  const saved = await withDialogs(bridge, [copy], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('保存しました'));
  });
  assert.deepEqual(saved.map((d) => [d.kind, d.message]), [['save', `${number}.pdf`]]);
  assert.ok(await isPdf(copy), 'the copy is the PDF');
  assert.ok((await message()).includes(copy));

  // The agent closes the save dialog: a quiet line, no error, nothing written.
  const never = path.join(bridge.dir, 'never.pdf');
  await expectFocus(page, 'doc-save');
  await withDialogs(bridge, [null], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('doc-result-message').textContent === 'キャンセルしました');
  });
  assert.equal(await page.evaluate(() => document.getElementById('doc-result-error').hidden), true, 'no error for a closed dialog');
  await assert.rejects(stat(never), 'nothing was written');

  // An existing file is replaced only on the agent's yes: no leaves it as it was.
  const existing = path.join(bridge.dir, 'existing.pdf');
  await writeFile(existing, 'keep me');
  const refusedOverwrite = await withDialogs(bridge, [existing, false], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('doc-result-message').textContent === 'キャンセルしました');
  });
  assert.deepEqual(refusedOverwrite.map((d) => d.kind), ['save', 'confirm']);
  assert.ok(refusedOverwrite[1].message.includes('existing.pdf'), `the question names the file: ${refusedOverwrite[1].message}`);
  assert.equal(await readFile(existing, 'utf8'), 'keep me', 'no: the file is unchanged');
  await withDialogs(bridge, [existing, true], async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('doc-result-message').textContent.includes('保存しました'));
  });
  assert.ok(await isPdf(existing), 'yes: the file is the PDF now');

  // The open database (or its journal) is never written over: refused, naming the field, shown.
  const dbBefore = await readFile(bridge.db);
  for (const target of [bridge.db, `${bridge.db}-wal`]) {
    const asked = await withDialogs(bridge, [target], async () => {
      await page.keyboard.press('Enter');
      await page.waitForSelector('#doc-result-error:not([hidden])');
    });
    assert.deepEqual(asked.map((d) => d.kind), ['save'], 'refused before any question');
    const shown = await page.locator('#doc-result-error').innerText();
    assert.ok(shown.includes('保存先'), `the error names the field in Japanese: ${shown}`);
    assert.match(shown, /\bpath\b/, `and the API's own line names it: ${shown}`);
    assert.ok(shown.includes('データベース'), shown);
    await screenshot(page, '07c-documents-save-refused');
  }
  assert.deepEqual(await readFile(bridge.db), dbBefore, 'the database file is untouched');
  assert.ok((await bridge.call('status')).customers > 0, 'and still opens');

  // The customer's issued documents list it; re-issue it from there.
  await page.waitForSelector(`#doc-issued button[data-number="${number}"]`);
  await tabTo(page, `#doc-issued button[data-number="${number}"]`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#doc-result h2') && document.querySelector('#doc-result h2').textContent.includes('再発行'));
  const reissued = await page.locator('#doc-path').innerText();
  assert.notEqual(reissued, file);
  assert.ok(await isPdf(reissued));
  assert.equal(await page.locator('#doc-number').innerText(), number, 'a re-issue keeps the number');
  // A re-issue prints too: its own (latest) print.
  await tabTo(page, '#doc-print');
  await page.keyboard.press('Enter');
  await page.waitForFunction((f) => document.getElementById('doc-result-message').textContent.includes(`プリンターに送りました: ${f}`), reissued);
  // The list shows the re-issue, marked.
  await page.waitForFunction((n) => [...document.querySelectorAll('#doc-issued tr')].some((tr) => tr.textContent.includes(n) && tr.querySelector('.badge') && tr.querySelector('.badge').textContent === '再発行'), number);
  await screenshot(page, '08-documents-reissued');

  const view = await bridge.call('customer', { id: found.id });
  const mine = view.documents.filter((d) => d.number === number);
  assert.equal(mine.length, 2, `the customer's documents list the receipt and its re-issue: ${JSON.stringify(view.documents)}`);
  assert.equal(mine.filter((d) => d.reissue_of).length, 1);
});

test('a cooling-off notice past the 8 days, paid on credit: filled in the form, issued, its warnings shown above the buttons', async () => {
  const { page } = ui;
  await bridge.call('set_issuer', { service: 'alwater', issuer: { name: 'アルウォーター株式会社', postal_code: '150-0002', address: '東京都渋谷区渋谷2-1-1', phone: '03-1234-5678' } });
  const found = await findCustomer(bridge, 'AW', 8, (view) => view.accounts.some((a) => a.service === 'alwater'));
  await draftFor(page, found, 'cooling_off');
  for (const [field, text] of [
    ['contract_date', '2026-11-01'],
    ['product', 'ウォーターサーバーのレンタル'],
    ['amount', '3300'],
    ['salesperson', '鈴木　一郎'],
  ]) {
    await tabTo(page, `[data-field="${field}"]`);
    await retype(page, text);
  }
  await tabTo(page, '[data-field="channel"]');
  await chooseOption(page, 'phone');
  await tabTo(page, '[data-field="payment"]');
  await chooseOption(page, 'credit_card');
  assert.equal(await page.locator('[data-field="stock"]').inputValue(), 'blank', 'blank stock unless the agent says otherwise');
  await page.keyboard.press('Alt+I');
  await page.waitForSelector('#doc-result:not([hidden]) #doc-number');
  assert.match(await page.locator('#doc-number').innerText(), /^CO-/);
  assert.match(await page.locator('#doc-pages').innerText(), /2ページ/);
  const warnings = await page.locator('.doc-warning').allInnerTexts();
  assert.equal(warnings.length, 2, JSON.stringify(warnings));
  assert.ok(warnings[0].includes('8日を過ぎています') && warnings[0].includes('受け取った日'), warnings[0]);
  assert.ok(warnings[1].includes('クレジット会社'), warnings[1]);
  await screenshot(page, '08b-documents-cooling-off-warnings');
});

test('a dealer-change FAX: the form offers the fields its draft leaves out (the reply deadline), declared by document_forms', async () => {
  const { page } = ui;
  await bridge.call('set_issuer', { service: 'kaunet', issuer: { name: 'カウネット株式会社', postal_code: '100-0001', address: '東京都千代田区千代田1-1', phone: '03-1111-2222' } });
  const found = await findCustomer(bridge, 'KN', 8, (view) => view.accounts.some((a) => a.service === 'kaunet' && a.dealer));
  await draftFor(page, found, 'dealer_change_fax');
  // The issuer has no FAX, so the draft names no reply FAX either: both are offered, labelled in Japanese.
  const label = (field) => page.evaluate((f) => document.querySelector(`label[for="${document.querySelector(`[data-field="${f}"]`).id}"]`).textContent, field);
  assert.equal(await label('return_deadline'), '返信期限');
  assert.equal(await label('return_fax'), '返信先FAX');
  assert.equal(await page.locator('[data-field="new_dealer"]').inputValue(), '', 'the new dealer is left to the default (seed 002)');
  for (const [field, text] of [
    ['return_deadline', '2026-12-04'],
    ['return_fax', '03-1111-2223'],
  ]) {
    await tabTo(page, `[data-field="${field}"]`);
    await retype(page, text);
  }
  await page.keyboard.press('Alt+I');
  await page.waitForSelector('#doc-result:not([hidden]) #doc-number');
  assert.match(await page.locator('#doc-number').innerText(), /^FX-/);
  await screenshot(page, '08c-documents-dealer-change');
});
