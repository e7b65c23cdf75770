// Browser test, keyboard only: find a caller by a full-width phone number, open them, add a call note (a card number refused).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, type, retype, fullWidthPhone, customerByNumber, searchSettled, expectFocus, openSession, closeSession } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

test('a full-width phone number finds the caller; Enter opens them; a note is added and a card number refused', async () => {
  const { page } = ui;
  // A customer whose phone, typed in full width, finds exactly them.
  let customer = null;
  let phone = null;
  for (let n = 1; n <= 300 && !customer; n++) {
    const found = await customerByNumber(bridge, `AW${String(n).padStart(8, '0')}`);
    if (!found || !found.view.phones.length) continue;
    const wide = fullWidthPhone(found.view.phones[0].number);
    const hits = await bridge.call('lookup', { query: wide, limit: 15 });
    if (hits.results.length === 1 && hits.results[0].customer_id === found.id) {
      customer = found.view;
      phone = wide;
    }
  }
  assert.ok(customer, 'a customer with a phone of their own');
  assert.match(phone, /^[０-９－]+$/, 'the phone is typed in full-width digits and hyphens');

  await openUi(page, bridge.url);
  // The search box has the focus at start; Tab away, then Ctrl+K and "/" bring it back.
  await expectFocus(page, 'search-box');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+K');
  await expectFocus(page, 'search-box');
  await page.keyboard.press('Tab');
  await page.keyboard.press('/');
  await expectFocus(page, 'search-box');

  await type(page, phone);
  await searchSettled(page, phone);
  assert.equal(await page.locator('#search-results [role="option"]').count(), 1);
  const row = await page.locator('#search-results [role="option"]').first().innerText();
  assert.ok(row.includes(customer.name), `the result names the customer: ${row}`);
  assert.ok(row.includes(customer.name_kana), 'and their kana');
  assert.ok(row.includes('電話番号'), 'and says the phone matched');
  await page.waitForFunction(() => !document.querySelector('#search-results .r-number').textContent.includes('…'));
  const numberCell = await page.locator('#search-results .r-number').first().innerText();
  assert.ok(customer.accounts.some((a) => numberCell.includes(a.customer_number)), `the result shows a customer number: ${numberCell}`);
  await screenshot(page, '01-search');

  await page.keyboard.press('Enter');
  await page.waitForSelector('#customer-name');
  assert.ok((await page.locator('#customer-name').innerText()).includes(customer.name));
  for (const account of customer.accounts) {
    assert.ok((await page.locator('main').innerText()).includes(account.customer_number), `account ${account.customer_number} shown`);
  }
  await screenshot(page, '02-customer');

  // N goes to the note; a card number is refused next to the field with the API's message.
  await page.keyboard.press('n');
  await expectFocus(page, 'note-body');
  await type(page, 'カード番号 4111 1111 1111 1111 で払いたいとのこと');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('#note-body-error:not([hidden])');
  const refusal = await page.locator('#note-body-error').innerText();
  assert.ok(refusal.includes('通話メモ'), `the refusal names the field: ${refusal}`);
  assert.ok(refusal.includes('カード番号'), 'in Japanese');
  assert.ok(refusal.includes('payment-card number'), "and shows the API's own message");
  assert.equal(await page.getAttribute('#note-body', 'aria-invalid'), 'true');
  await screenshot(page, '03-customer-note-refused');
  let view = await bridge.call('customer', { id: customer.id });
  assert.equal(view.notes.length, customer.notes.length, 'nothing was stored');

  await retype(page, '解約について問い合わせ。契約更新月をご案内。');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('.note-list') && document.querySelector('.note-list').textContent.includes('契約更新月をご案内'));
  assert.equal(await page.evaluate(() => document.getElementById('note-body-error').hidden), true);
  view = await bridge.call('customer', { id: customer.id });
  assert.equal(view.notes.length, customer.notes.length + 1);
  assert.equal(view.notes[0].body, '解約について問い合わせ。契約更新月をご案内。');

  // Esc goes back to the search, which kept its query and results.
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="search"]');
  assert.equal(await page.inputValue('#search-box'), phone);
  assert.equal(await page.locator('#search-results [role="option"]').count(), 1);
});

test('arrows pick among several results and stale answers never replace newer ones', async () => {
  const { page } = ui;
  await page.keyboard.press('Control+K');
  await expectFocus(page, 'search-box');
  await retype(page, 'サ');
  await retype(page, 'ア');
  await retype(page, 'AW0000000');
  await searchSettled(page, 'AW0000000');
  // The list belongs to the last query typed.
  const texts = await page.locator('#search-results .r-match').allInnerTexts();
  assert.ok(texts.length > 1, 'several results');
  assert.ok(texts.every((t) => t.includes('お客様番号')), `every result matched a customer number: ${texts.join(' / ')}`);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const chosen = await page.evaluate(() => document.querySelector('#search-results [aria-selected="true"]').dataset.customerId);
  const second = await page.evaluate(() => document.querySelectorAll('#search-results [role="option"]')[2].dataset.customerId);
  assert.equal(chosen, second);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#customer-name');
  assert.ok(page.url().includes(encodeURIComponent(second)));
});

test('a name typed in the common form finds the variant kanji stored, and says so', async () => {
  const { page } = ui;
  // The seed writes both 山崎 and 山﨑: typed as 山崎, both are found; only 山﨑 is marked 異体字.
  await page.keyboard.press('Control+K');
  // The last test left the customer screen: the search screen is drawn before anything is typed.
  await expectFocus(page, 'search-box');
  await retype(page, '山崎');
  await searchSettled(page, '山崎');
  const rows = page.locator('#search-results [role="option"]');
  const texts = await rows.allInnerTexts();
  const variant = texts.findIndex((t) => t.includes('山﨑'));
  const literal = texts.findIndex((t) => t.includes('山崎'));
  assert.ok(variant >= 0 && literal >= 0, `both forms found: ${texts.join(' / ')}`);
  assert.equal(await rows.nth(variant).locator('.r-variant').innerText(), '異体字');
  assert.equal(await rows.nth(literal).locator('.r-variant').count(), 0, 'what was typed is not marked');
  await screenshot(page, '03b-search-variant');
});

test('back on the search screen, the last search is selected as the box takes the focus: a key typed at once replaces it', async () => {
  const { page } = ui;
  // Leave the search (山崎 stays its last query) for 設定, then come back with Ctrl+K; note how
  // the box is the moment it gets the focus, before any later task could run.
  await page.keyboard.press('Alt+6');
  await page.waitForSelector('main[data-screen="settings"]');
  await page.evaluate(() => {
    window.__atFocus = null;
    document.addEventListener('focusin', (event) => {
      if (event.target.id !== 'search-box' || window.__atFocus) return;
      queueMicrotask(() => {
        const box = event.target;
        window.__atFocus = { value: box.value, start: box.selectionStart, end: box.selectionEnd };
      });
    });
  });
  await page.keyboard.press('Control+K');
  await expectFocus(page, 'search-box');
  assert.deepEqual(await page.evaluate(() => window.__atFocus), { value: '山崎', start: 0, end: 2 });
  await type(page, '佐藤');
  await searchSettled(page, '佐藤');
});
