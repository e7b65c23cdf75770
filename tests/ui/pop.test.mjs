// Browser test: screen-pop through `?pop=PHONE` — one match opens the customer at once; an unknown number says so.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, customerByNumber, openSession, closeSession } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

test('?pop= with a number of one customer opens that customer', async () => {
  const { page } = ui;
  let target = null;
  for (let n = 1; n <= 300 && !target; n++) {
    const found = await customerByNumber(bridge, `KN${String(n).padStart(8, '0')}`);
    if (!found || !found.view.phones.length) continue;
    const hits = await bridge.call('lookup', { query: found.view.phones[0].number });
    if (hits.results.length === 1) target = found;
  }
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
