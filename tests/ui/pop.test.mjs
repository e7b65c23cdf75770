// Browser test: screen-pop — `?pop=PHONE` at load: one match opens the customer at once, an unknown number says so; a pop
// to an open page (`madoguchi-pop`) opens at once when nothing is typed, and waits in a bar while a call note holds text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, customerByNumber, openSession, closeSession, openCustomerByKeyboard, type, ring, expectFocus, tabTo } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

/** A customer of `prefix` whose first phone finds only them, after `skip` such customers; never `not` (a customer). */
async function uniquePhone(prefix, skip = 0, not = null) {
  for (let n = 1; n <= 300; n++) {
    const number = `${prefix}${String(n).padStart(8, '0')}`;
    const found = await customerByNumber(bridge, number);
    if (!found || !found.view.phones.length || (not && found.id === not.id)) continue;
    const hits = await bridge.call('lookup', { query: found.view.phones[0].number });
    if (hits.results.length === 1 && skip-- <= 0) return { ...found, number };
  }
  return null;
}

test('?pop= with a number of one customer opens that customer', async () => {
  const { page } = ui;
  const target = await uniquePhone('KN');
  assert.ok(target);
  const phone = target.view.phones[0].number;
  await openUi(page, bridge.url, `?pop=${encodeURIComponent(phone)}`);
  await page.waitForSelector('main[data-screen="customer"] #customer-name');
  assert.ok((await page.locator('#customer-name').innerText()).includes(target.view.name));
  assert.ok(!page.url().includes('pop='), 'the pop is consumed: a reload does not pop again');
  await screenshot(page, '18-pop-customer');
  // Esc goes to the search, which shows the popped number.
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="search"]');
  assert.equal(await page.inputValue('#search-box'), phone);
});

test('?pop= with an unknown number stays on the search and says so', async () => {
  const { page } = ui;
  await openUi(page, bridge.url, `?pop=${encodeURIComponent('099-9999-0000')}`);
  await page.waitForSelector('#pop-banner:not([hidden])');
  await page.waitForFunction(() => document.getElementById('pop-banner').textContent.includes('登録のない番号'));
  assert.equal(await page.evaluate(() => document.querySelector('main').dataset.screen), 'search');
  await screenshot(page, '19-pop-unknown');
});

test('a pop to an open page with nothing typed opens the caller at once', async () => {
  const { page } = ui;
  const target = await uniquePhone('KN');
  const other = await uniquePhone('AW', 0, target);
  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, other.number, other.view.name);
  await ring(page, target.view.phones[0].number);
  await page.waitForFunction((n) => document.getElementById('customer-name') && document.getElementById('customer-name').textContent.includes(n), target.view.name);
  assert.equal(await page.isVisible('#pop-queue'), false, 'no bar');
});

test('a pop while a call note holds text waits: the text stays, あとで keeps it, 入力を破棄して開く opens the caller', async () => {
  const { page } = ui;
  const target = await uniquePhone('KN');
  const other = await uniquePhone('AW', 0, target);
  const phone = target.view.phones[0].number;
  const notesBefore = (await bridge.call('customer', { id: other.id })).notes.length;
  const typed = 'お届け日の変更について確認中';

  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, other.number, other.view.name);
  await page.keyboard.press('n');
  await expectFocus(page, 'note-body');
  await type(page, typed);

  // The call comes in: a bar (role=alert), nothing else moves.
  await ring(page, '099-0000-1111');
  await page.waitForSelector('#pop-queue:not([hidden])');
  assert.equal(await page.getAttribute('#pop-queue', 'role'), 'alert');
  assert.equal(await page.locator('#pop-queue-text').innerText(), '着信 099-0000-1111: 入力中の内容があります');
  assert.equal(await page.evaluate(() => document.querySelector('main').dataset.screen), 'customer');
  assert.equal(await page.inputValue('#note-body'), typed, 'the text is still there');
  await expectFocus(page, 'note-body');
  // The agent keeps typing: the keys still go to the note.
  await type(page, '。');

  // A second call replaces the number shown; the bar counts the calls waiting.
  await ring(page, phone);
  await page.waitForFunction((p) => document.getElementById('pop-queue-text').textContent === `着信 ${p}: 入力中の内容があります`, phone);
  assert.match(await page.locator('#pop-queue-count').innerText(), /2件/);
  await screenshot(page, '19b-pop-queued');

  // Esc = あとで: the input stays, the call waits in a quiet line.
  await page.keyboard.press('Escape');
  await page.waitForSelector('#pop-queue', { state: 'hidden' });
  await page.waitForSelector('#pop-waiting:not([hidden])');
  assert.ok((await page.locator('#pop-waiting').innerText()).includes(phone));
  assert.equal(await page.inputValue('#note-body'), `${typed}。`, 'あとで keeps the text');
  await expectFocus(page, 'note-body');
  assert.equal(await page.evaluate(() => document.querySelector('main').dataset.screen), 'customer');
  await screenshot(page, '19c-pop-later');

  // Alt+P on the waiting call while the text is unsaved asks again, focus on the safe choice.
  await page.keyboard.press('Alt+P');
  await page.waitForSelector('#pop-queue:not([hidden])');
  await expectFocus(page, 'pop-later');
  // The buttons are reached by keyboard: Shift+Tab to 入力を破棄して開く, Enter.
  await tabTo(page, '#pop-discard', { back: true, max: 3 });
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.getElementById('customer-name') && document.getElementById('customer-name').textContent.includes(n), target.view.name);
  assert.equal(await page.isVisible('#pop-queue'), false);
  assert.equal(await page.isVisible('#pop-waiting'), false);
  assert.equal((await bridge.call('customer', { id: other.id })).notes.length, notesBefore, 'the discarded note was not saved');
});

test('あとで, then the note saved: the waiting call opens without asking', async () => {
  const { page } = ui;
  const target = await uniquePhone('KN', 1);
  const other = await uniquePhone('AW', 1, target);
  const phone = target.view.phones[0].number;
  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, other.number, other.view.name);
  await page.keyboard.press('n');
  await type(page, '折り返し希望');
  await ring(page, phone);
  await page.waitForSelector('#pop-queue:not([hidden])');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#pop-waiting:not([hidden])');
  // The note is saved (Ctrl+Enter): nothing unsaved remains.
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('.note-list') && document.querySelector('.note-list').textContent.includes('折り返し希望'));
  await tabTo(page, '#pop-resume', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.getElementById('customer-name') && document.getElementById('customer-name').textContent.includes(n), target.view.name);
  assert.equal(await page.isVisible('#pop-waiting'), false);
});
