// 名寄せ on the customer screen: the customers likely the same person (shared phone or email and the same kana or birth date), each merged into this one after a second, explicit confirmation.

import * as api from './api.js';
import { h, clear, table, showError, hideError, busy, toast } from './dom.js';
import { navigate, serviceLabel } from './state.js';

/** What a merge moved, in one line ("ご契約 1件・通話メモ 2件…"); empty counts are left out. */
export function movedText(merged) {
  const parts = [
    ['ご契約', merged.accounts],
    ['ご注文', merged.orders],
    ['書類', merged.documents],
    ['依頼', merged.requests],
    ['通話メモ', merged.call_notes],
    ['電話番号', merged.phones.moved],
    ['メール', merged.emails.moved],
  ]
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} ${n}件`);
  const filled = [merged.filled.includes('birth_date') ? '生年月日' : null, merged.filled.includes('address') ? '住所' : null].filter(Boolean);
  const moved = parts.length ? parts.join('・') : '移したものはありません';
  return filled.length ? `${moved}。${filled.join('・')}を補いました` : moved;
}

/**
 * The 名寄せ panel for customer `c` (hidden while no likely duplicate is known). `onMerged(merged)`
 * runs after a merge, with what moved. Returns {element, load, isConfirming, cancel}.
 */
export function duplicatesPanel(c, { onMerged }) {
  const list = h('div', { id: 'duplicates-list' });
  const error = h('div', { class: 'field-error', id: 'merge-error', hidden: true, role: 'alert' });
  const confirmBox = h('div', { class: 'merge-confirm', id: 'merge-confirm', role: 'alertdialog', 'aria-modal': 'false', hidden: true });
  const element = h(
    'section',
    { class: 'panel duplicates', id: 'duplicates-panel', 'aria-labelledby': 'duplicates-title', hidden: true },
    h('h2', { id: 'duplicates-title' }, '同じお客様かもしれない登録（名寄せ）'),
    h('p', { class: 'hint' }, '電話番号かメールが同じで、フリガナか生年月日も同じ登録です。同じ方なら、このお客様に統合できます。'),
    list,
    confirmBox,
    error,
  );
  let opener = null;

  function cancel() {
    confirmBox.hidden = true;
    clear(confirmBox);
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  }

  // The second step: says exactly what will happen; the safe answer has the focus.
  function confirm(other, button) {
    hideError(error);
    opener = button;
    clear(confirmBox);
    const yes = h('button', { type: 'button', class: 'danger', id: 'merge-confirm-yes' }, '統合する');
    const no = h('button', { type: 'button', id: 'merge-confirm-no', onclick: cancel }, 'やめる');
    const numbers = other.accounts.map((a) => `${serviceLabel(a.service)} ${a.customer_number}`).join('、') || 'ご契約なし';
    confirmBox.append(
      h('h3', { id: 'merge-confirm-title' }, `${other.name}（${numbers}）を、このお客様（${c.name}）に統合しますか`),
      h(
        'p',
        { id: 'merge-confirm-text' },
        `${other.name}（${numbers}）のご契約・ご注文・発行済みの書類・依頼・通話メモ・電話番号・メールを、すべてこのお客様に移し、その登録は削除します。発行済みの書類の内容は変わりません。統合は元に戻せません。`,
      ),
      h('div', { class: 'actions' }, yes, no),
    );
    confirmBox.setAttribute('aria-labelledby', 'merge-confirm-title');
    confirmBox.setAttribute('aria-describedby', 'merge-confirm-text');
    yes.addEventListener('click', () =>
      busy(yes, async () => {
        try {
          const { merged } = await api.mergeCustomers(c.id, other.id);
          opener = null;
          toast(`${merged.other_name} を統合しました（${movedText(merged)}）`, 'ok');
          onMerged(merged);
        } catch (e) {
          showError(error, e, { keep: 'このお客様', other: '統合する登録' });
          cancel();
        }
      }),
    );
    confirmBox.hidden = false;
    no.focus();
  }

  async function load() {
    let found;
    try {
      found = await api.customerDuplicates(c.id);
    } catch {
      // Suggestions only: the customer screen is whole without them.
      return;
    }
    clear(list);
    element.hidden = found.length === 0;
    list.append(
      table(
        [
          ['お名前', (d) => h('span', {}, d.name, h('span', { class: 'muted' }, `（${d.name_kana}）`))],
          ['ご契約', (d) => d.accounts.map((a) => `${serviceLabel(a.service)} ${a.customer_number}`).join('、') || '—'],
          ['一致', (d) => d.reason_ja],
          [
            '',
            (d, i) =>
              h(
                'span',
                { class: 'row-actions' },
                h('button', { type: 'button', class: 'small', onclick: () => navigate(`#/customer/${encodeURIComponent(d.id)}`) }, '開く'),
                h('button', { type: 'button', class: 'small merge', 'data-index': String(i), onclick: (e) => confirm(d, e.currentTarget) }, 'このお客様に統合…'),
              ),
            'act',
          ],
        ],
        found,
      ),
    );
  }

  return { element, load, isConfirming: () => !confirmBox.hidden, cancel };
}
