// Browser test, keyboard only: file a dealer change (担当販売店変更) and move it through every status to 完了; the open list by due date.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openUi, screenshot, type, retype, findCustomer, openCustomerByKeyboard, chooseOption, tabTo, expectFocus, openSession, closeSession } from './helpers.mjs';

let bridge;
let ui;

before(async () => ({ bridge, ui } = await openSession({ seed: 300 })));
after(() => closeSession({ bridge, ui }));

test('a dealer change goes 受付 → FAX送付済 → 返送受領 → 切替待ち → 完了, only allowed moves offered', async () => {
  const { page } = ui;
  const types = await bridge.call('request_types');
  const dealer = types.find((t) => t.type === 'dealer_change');
  const found = await findCustomer(bridge, 'KN', 8, (view) => view.accounts.some((a) => a.service === 'kaunet' && a.status === 'active'));

  await openUi(page, bridge.url);
  await openCustomerByKeyboard(page, found.number, found.view.name);
  await page.keyboard.press('r');
  await page.waitForSelector('#request-type');
  await expectFocus(page, 'request-type');
  // Every type is listed; those of services the customer lacks cannot be chosen.
  const options = await page.evaluate(() => [...document.querySelectorAll('#request-type option')].map((o) => [o.value, o.disabled]));
  assert.equal(options.length, types.length);
  assert.ok(options.some(([v]) => v === 'catalog_stop'), 'catalog stop is offered');
  await chooseOption(page, 'dealer_change');
  const labels = await page.locator('#request-fields label').allInnerTexts();
  assert.deepEqual(labels.map((l) => l.replace('＊', '')), dealer.fields.map((f) => f.label));

  // A bad date is refused at its field.
  await tabTo(page, '#request-fax_deadline');
  await type(page, '2026-02-30');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#request-fax_deadline-error:not([hidden])');
  assert.ok((await page.locator('#request-fax_deadline-error').innerText()).includes('FAX返信期日'));

  await retype(page, '２０２６－１２－０４');
  await tabTo(page, '#request-new_dealer', { back: true });
  await type(page, 'カウネット直販');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#request-move-to');
  await expectFocus(page, 'request-move-to');
  await screenshot(page, '09-requests-created');

  const path = ['fax_sent', 'returned', 'switching', 'completed'];
  let id = null;
  for (const [i, to] of path.entries()) {
    const offered = await page.evaluate(() => [...document.querySelectorAll('#request-move-to option')].map((o) => o.value));
    const from = i === 0 ? 'received' : path[i - 1];
    const allowed = dealer.transitions.filter((t) => t.from === from).map((t) => t.to);
    assert.deepEqual(offered.sort(), allowed.sort(), `from ${from} only the allowed moves`);
    assert.equal(await page.inputValue('#request-move-to'), to, 'the next step is preselected');
    await page.keyboard.press('Tab');
    await type(page, `${to} の対応をしました`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const label = dealer.statuses.find((s) => s.status === to).label;
    await page.waitForFunction((l) => document.querySelector('#request-detail h2 .badge').textContent === l, label);
    if (!id) {
      const view = await bridge.call('customer', { id: found.id });
      id = view.requests.find((r) => r.type === 'dealer_change' && r.status === to).id;
    }
  }
  assert.ok(await page.isVisible('#request-closed'), 'a completed request offers no move');
  const request = await bridge.call('request', { id });
  assert.equal(request.status, 'completed');
  assert.deepEqual(request.history.map((h) => h.to), ['received', ...path]);
  assert.equal(request.fields.new_dealer, 'カウネット直販');
  assert.equal(request.fields.fax_deadline, '2026-12-04');
  assert.equal(request.history[1].comment, 'fax_sent の対応をしました');
  await screenshot(page, '10-requests-completed');
});

test('the open requests are listed by due date, overdue ones marked', async () => {
  const { page } = ui;
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="customer"]');
  await page.keyboard.press('Escape');
  await page.waitForSelector('main[data-screen="search"]');
  // Two more open dealer changes through the API: one past its FAX deadline (overdue), one not.
  const late = await findCustomer(bridge, 'KN', 8, (view) => view.accounts.some((a) => a.service === 'kaunet') && view.requests.length === 0);
  await bridge.call('create_request', { type: 'dealer_change', customer_id: late.id, fields: { fax_deadline: '2026-11-10' } });
  await bridge.call('create_request', { type: 'catalog_stop', customer_id: late.id, fields: {} });
  const listed = await bridge.call('requests', { open_only: true });
  assert.ok(listed.requests.some((r) => r.overdue));

  await page.keyboard.press('Alt+5');
  await page.waitForSelector('main[data-screen="requests"] #request-list table, main[data-screen="requests"] #request-list .empty');
  // The current customer's requests only, until the agent unticks it (Space).
  await tabTo(page, '#request-mine-only');
  await page.keyboard.press('Space');
  await page.waitForFunction((n) => document.querySelectorAll('#request-list tbody tr').length === n, Math.min(listed.requests.length, 200));
  const rows = await page.locator('#request-list tbody tr').count();
  assert.equal(rows, Math.min(listed.requests.length, 200));
  const dues = await page.locator('#request-list tbody tr td:first-child').allInnerTexts();
  const sorted = [...dues].sort((a, b) => (a === '—' ? 1 : b === '—' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  assert.deepEqual(dues, sorted, 'by due date');
  const overdue = listed.requests.filter((r) => r.overdue).length;
  assert.equal(await page.locator('#request-list tr.row-overdue').count(), overdue);
  await screenshot(page, '11-requests-list');
});
