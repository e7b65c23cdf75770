// Browser test, keyboard only: a プラスアクア cancellation quote for the caller, its total equal to the API's, saved to their history.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, retype, findCustomer, openCustomerByKeyboard, chooseOption, tabTo, AS_OF, expectFocus, openSession, closeSession } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

test('a plus-aqua cancellation: form from quote_kinds, prefilled from the account, total as the API answers', async () => {
  const { page } = ui;
  const today = AS_OF.slice(0, 10);
  const found = await findCustomer(bridge, 'PA', 8, (view) => {
    const a = view.accounts.find((x) => x.service === 'plus-aqua');
    return a && a.plan && a.servers && a.first_delivery && a.first_delivery < today && a.status === 'active';
  });
  const prefill = await bridge.call('quote_prefill', { customer_id: found.id, service: 'plus-aqua', kind: 'cancellation' });
  const expected = await bridge.call('quote', { request: prefill });
  assert.ok(Number(expected.total) >= 0);

  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, found.number, found.view.name);
  await page.keyboard.press('q');
  await page.waitForSelector('#quote-form');
  await expectFocus(page, 'quote-service');
  await chooseOption(page, 'plus-aqua');
  await page.keyboard.press('Tab');
  await chooseOption(page, 'cancellation');
  await page.waitForFunction(() => document.getElementById('quote-prefill-note').textContent.includes('プラン'));
  // The form is the kind's fields, with Japanese labels, prefilled from the account.
  const labels = await page.locator('#quote-fields label').allInnerTexts();
  assert.deepEqual(labels.map((l) => l.replace('＊', '')), ['プラン', '初回配送（予定）日', 'サーバー台数']);
  assert.equal(await page.inputValue('#quote-plan'), prefill.plan);
  assert.equal(await page.inputValue('#quote-first_delivery'), prefill.first_delivery);
  assert.equal(await page.inputValue('#quote-servers'), String(prefill.servers));

  // A bad value is refused at its field, in Japanese, naming it.
  await tabTo(page, '#quote-servers');
  await retype(page, '０');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#quote-servers-error:not([hidden])');
  const refusal = await page.locator('#quote-servers-error').innerText();
  assert.ok(refusal.includes('サーバー台数'), refusal);
  assert.ok(refusal.includes('1以上'), refusal);
  await expectFocus(page, 'quote-servers');
  await screenshot(page, '04-quote-refused');

  await retype(page, String(prefill.servers));
  await page.keyboard.press('Enter');
  await page.waitForSelector('#quote-answer:not([hidden]) #quote-total');
  assert.equal(await page.getAttribute('#quote-total', 'data-total'), expected.total);
  const shown = await page.locator('#quote-total').innerText();
  assert.equal(shown.replace(/[,円]/g, ''), expected.total, `total shown ${shown}`);
  const lines = await page.locator('#quote-lines tbody tr').allInnerTexts();
  assert.equal(lines.length, Math.max(expected.lines.length, 1));
  for (const line of expected.lines) assert.ok(lines.some((l) => l.includes(line.label)), `line ${line.label}`);
  const guidance = await page.inputValue('#quote-guidance');
  assert.ok(guidance.includes('プラスアクア'), guidance);
  for (const note of expected.notes) assert.ok(guidance.includes(note), `the guidance carries the note: ${note}`);
  await screenshot(page, '05-quote-answer');

  // Alt+S saves the quote to the customer's history (a call note).
  await page.keyboard.press('Alt+S');
  await page.waitForFunction(() => document.getElementById('quote-saved').textContent.includes('保存'));
  const view = await bridge.call('customer', { id: found.id });
  assert.equal(view.notes.length, found.view.notes.length + 1);
});

test('Esc goes back from the quote to the customer, then to the search', async () => {
  const { page } = ui;
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="customer"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="search"]');
});

test('a password check is masked, answered, and never offered for saving', async () => {
  const { page } = ui;
  const found = await findCustomer(bridge, 'AM', 8, (view) => view.accounts.some((x) => x.service === 'amano-shop'));
  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, found.number, found.view.name);
  await page.keyboard.press('q');
  await page.waitForSelector('#quote-form');
  await expectFocus(page, 'quote-service');
  await chooseOption(page, 'amano-shop');
  await page.keyboard.press('Tab');
  await chooseOption(page, 'password_check');
  await page.waitForSelector('#quote-password');
  assert.equal(await page.getAttribute('#quote-password', 'type'), 'password', 'masked on screen');
  await tabTo(page, '#quote-password');
  await page.keyboard.type('Zq7-Kappa-Secret');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#quote-answer:not([hidden]) #quote-not-saved');
  assert.equal(await page.locator('#quote-save').count(), 0, 'no save button');
  await page.keyboard.press('Alt+S');
  const view = await bridge.call('customer', { id: found.id });
  assert.equal(view.notes.length, found.view.notes.length, 'nothing saved');
  await screenshot(page, '05b-quote-password');
});
