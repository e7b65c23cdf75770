// 顧客: one customer whole — accounts at every service, orders, documents issued, requests, call notes (add one); 登録内容の変更; 名寄せ of likely duplicates.

import * as api from '../api.js';
import { h, clear, table, badge, section, showError, hideError, markInvalid, yenText, shortMoment, jpDate, busy, toast } from '../dom.js';
import { ACCOUNT_STATUS, ORDER_STATUS, TAX } from '../labels.js';
import { trackDirty } from '../dirty.js';
import { customerEditForm } from '../customer-edit.js';
import { duplicatesPanel } from '../customer-merge.js';
import { state, navigate, loadCustomer, kinds, requestTypes, docTypes, docForms, serviceLabel, statusLabel, requestTypeLabel, docTypeLabel, isFinalStatus, choiceLabel } from '../state.js';

export const help = [['N'], 'メモ', ['Q'], '見積り', ['D'], '書類', ['R'], '依頼', ['E'], '登録内容の変更', ['Ctrl+Enter'], 'メモを保存'];

const STATUS_KIND = { active: 'ok', paused: 'warn', cancelled: 'muted' };

export async function render(main, { arg }) {
  const id = arg || state.customerId;
  if (!id) {
    main.append(
      h('section', { class: 'panel' }, h('h1', {}, '顧客'), h('p', {}, 'お客様が選ばれていません。'), h('p', {}, h('a', { href: '#/search', 'data-autofocus': true }, '検索でお客様を探す（Ctrl+K）'))),
    );
    return {};
  }
  await Promise.allSettled([kinds(), requestTypes(), docTypes(), docForms()]);
  const c = await loadCustomer(id);
  const enc = encodeURIComponent(c.id);

  const goQuote = () => navigate(`#/quote/${enc}`);
  const goDocs = () => navigate(`#/documents/${enc}`);
  const goRequests = () => navigate(`#/requests/${enc}`);

  // Call notes first in the tab order after the actions: they are what an agent does on every call.
  const noteBox = h('textarea', { id: 'note-body', name: 'body', 'data-field': 'body', rows: '3', maxlength: '2000', placeholder: 'ご用件・ご案内した内容など（カード番号は記録できません）' });
  const noteError = h('div', { class: 'field-error', id: 'note-body-error', hidden: true, role: 'alert' });
  noteBox.setAttribute('aria-describedby', 'note-body-error');
  const noteButton = h('button', { type: 'submit', class: 'primary', id: 'note-submit' }, 'メモを追加');
  const noteList = h('div', { class: 'notes' });
  const noteForm = h(
    'form',
    { class: 'note-form', 'aria-label': '通話メモの追加' },
    h('label', { for: 'note-body' }, '新しいメモ'),
    noteBox,
    noteError,
    h('div', { class: 'actions' }, noteButton, h('span', { class: 'hint' }, 'Ctrl+Enter で保存')),
  );

  async function submitNote(event) {
    if (event) event.preventDefault();
    await busy(noteButton, async () => {
      hideError(noteError);
      markInvalid(noteForm, null);
      try {
        await api.addNote(c.id, noteBox.value);
        noteBox.value = '';
        const fresh = await loadCustomer(c.id);
        drawNotes(fresh.notes);
        toast('通話メモを保存しました', 'ok');
        noteBox.focus();
      } catch (error) {
        const fieldError = { ...error, field: error.field === 'note' || error.field === 'body' || !error.field ? 'body' : error.field, message: error.message, code: error.code };
        showError(noteError, fieldError, { body: '通話メモ' });
        markInvalid(noteForm, { field: 'body' });
        noteBox.focus();
      }
    });
  }
  noteForm.addEventListener('submit', submitNote);
  // A note typed and not saved holds a screen-pop back (the agent chooses).
  trackDirty(noteForm, { isDirty: () => noteBox.value.trim() !== '' });
  noteBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submitNote(e);
  });

  function drawNotes(notes) {
    clear(noteList);
    if (!notes.length) {
      noteList.append(h('p', { class: 'empty' }, '通話メモはまだありません'));
      return;
    }
    noteList.append(
      h(
        'ol',
        { class: 'note-list' },
        notes.map((n) => h('li', {}, h('div', { class: 'note-meta' }, shortMoment(n.at), '　', n.author), h('div', { class: 'note-body' }, n.body))),
      ),
    );
  }
  drawNotes(c.notes);

  // Header: who the caller is.
  const kind = choiceLabel('kind', c.kind);
  const header = h(
    'section',
    { class: 'panel customer-head', 'aria-labelledby': 'customer-name' },
    h(
      'div',
      { class: 'who' },
      h('h1', { id: 'customer-name' }, c.name, h('span', { class: 'honorific' }, ` ${c.honorific}`)),
      h('div', { class: 'kana' }, c.name_kana),
      h('div', { class: 'tags' }, badge(kind, 'neutral'), c.birth_date ? h('span', { class: 'muted' }, `生年月日 ${jpDate(c.birth_date)}`) : null),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, '住所'),
      h('dd', {}, `〒${c.postal_code} ${c.prefecture}${c.address}`),
      h('dt', {}, '電話'),
      h('dd', {}, c.phones.length ? c.phones.map((p, i) => h('span', { class: 'phone' }, i ? '、' : '', p.number, p.label ? h('span', { class: 'muted' }, `（${p.label}）`) : '')) : '—'),
      h('dt', {}, 'メール'),
      h('dd', {}, c.emails.length ? c.emails.join('、') : '—'),
    ),
    h(
      'div',
      { class: 'customer-actions', role: 'group', 'aria-label': 'このお客様の操作' },
      h('button', { type: 'button', class: 'primary', onclick: goQuote, id: 'go-quote' }, '料金・期限の見積り', h('kbd', {}, 'Q')),
      h('button', { type: 'button', onclick: goDocs, id: 'go-documents' }, '書類', h('kbd', {}, 'D')),
      h('button', { type: 'button', onclick: goRequests, id: 'go-requests' }, '依頼', h('kbd', {}, 'R')),
      h('button', { type: 'button', onclick: () => noteBox.focus(), id: 'go-note' }, '通話メモ', h('kbd', {}, 'N')),
      h('button', { type: 'button', onclick: () => openEdit(), id: 'go-edit' }, '登録内容の変更', h('kbd', {}, 'E')),
    ),
  );

  // 登録内容の変更: a form under the header; saved, the screen is drawn again from the stored customer.
  const edit = customerEditForm(c, {
    onSaved: () => state.rerender(),
    onClose: () => {
      editPanel.hidden = true;
      header.querySelector('#go-edit').focus();
    },
  });
  const editPanel = h('section', { class: 'panel', id: 'customer-edit-panel', hidden: true }, edit.element);
  async function openEdit() {
    editPanel.hidden = false;
    await edit.open();
  }

  // 名寄せ: the customers likely the same person, loaded after the screen is drawn.
  const duplicates = duplicatesPanel(c, { onMerged: () => state.rerender() });
  duplicates.load();

  const accounts = section(
    `ご契約（${c.accounts.length}件）`,
    table(
      [
        ['サービス', (a) => serviceLabel(a.service)],
        ['お客様番号', (a) => h('span', { class: 'mono' }, a.customer_number)],
        ['状態', (a) => badge(ACCOUNT_STATUS[a.status] || a.status, STATUS_KIND[a.status] || 'neutral')],
        ['ご契約内容', (a) => accountDetails(a), 'wide'],
        [
          '',
          (a) => h('button', { type: 'button', class: 'small', onclick: () => navigate(`#/quote/${enc}?service=${encodeURIComponent(a.service)}`) }, '見積り'),
          'act',
        ],
      ],
      c.accounts,
      { empty: 'ご契約はありません' },
    ),
  );

  const orders = c.accounts.flatMap((a) => a.orders.map((o) => ({ ...o, service: a.service })));
  const ordersPanel = section(
    `ご注文（${orders.length}件）`,
    table(
      [
        ['注文番号', (o) => h('span', { class: 'mono' }, o.order_number)],
        ['注文日', (o) => shortMoment(o.ordered_at).slice(0, 10), 'nowrap'],
        ['お支払い', (o) => choiceLabel('payment', o.payment_method), 'nowrap'],
        ['出荷日', (o) => o.shipped_on || h('span', { class: 'muted' }, '未出荷'), 'nowrap'],
        ['状態', (o) => ORDER_STATUS[o.status] || o.status, 'nowrap'],
        ['明細', (o) => o.lines.map((l) => `${l.name} ×${l.quantity}（${yenText(l.unit_price)}・${TAX[l.tax] || l.tax}）`).join('／'), 'wide'],
        [
          '',
          (o) => h('button', { type: 'button', class: 'small', onclick: () => navigate(`#/documents/${enc}?order=${encodeURIComponent(o.id)}`) }, '書類発行'),
          'act',
        ],
      ],
      orders,
      { empty: 'ご注文はありません' },
    ),
  );

  const docsPanel = section(
    `発行済みの書類（${c.documents.length}件）`,
    table(
      [
        ['種類', (d) => docTypeLabel(d.type)],
        ['番号', (d) => h('span', { class: 'mono' }, d.number)],
        ['発行日時', (d) => shortMoment(d.issued_at)],
        ['', (d) => (d.reissue_of ? badge('再発行', 'warn') : '')],
        [
          '',
          (d) =>
            h(
              'button',
              { type: 'button', class: 'small', onclick: () => navigate(`#/documents/${enc}?reissue=${encodeURIComponent(d.number)}&type=${encodeURIComponent(d.type)}`) },
              '再発行',
            ),
          'act',
        ],
      ],
      c.documents,
      { empty: '発行した書類はありません' },
    ),
  );

  const requestRows = c.requests.map((r) => ({ ...r }));
  const requestsTable = h('div', {});
  function drawRequests() {
    clear(requestsTable);
    requestsTable.append(
      table(
        [
          ['種類', (r) => requestTypeLabel(r.type)],
          ['状態', (r) => badge(statusLabel(r.type, r.status), isFinalStatus(r.type, r.status) ? 'muted' : 'info')],
          ['期限', (r) => h('span', {}, r.due_on || '—', r.overdue ? ' ' : '', r.overdue ? badge('期限超過', 'danger') : '')],
          ['受付', (r) => shortMoment(r.created_at).slice(0, 10)],
          ['', (r) => h('button', { type: 'button', class: 'small', onclick: () => navigate(`#/requests/${enc}?open=${encodeURIComponent(r.id)}`) }, '開く'), 'act'],
        ],
        requestRows,
        { empty: '依頼はありません' },
      ),
    );
  }
  drawRequests();
  // Overdue marks come from the request itself (the customer view has no "today").
  const openOnes = requestRows.filter((r) => !isFinalStatus(r.type, r.status));
  Promise.all(
    openOnes.map(async (r) => {
      try {
        const full = await api.request(r.id);
        r.overdue = Boolean(full.overdue);
      } catch {
        r.overdue = false;
      }
    }),
  ).then(() => {
    if (openOnes.some((r) => r.overdue) && requestsTable.isConnected) drawRequests();
  });

  const requestsPanel = section(`依頼（${c.requests.length}件）`, requestsTable);
  const notesPanel = section('通話メモ', noteForm, noteList);

  main.append(header, editPanel, duplicates.element, accounts, h('div', { class: 'columns' }, h('div', { class: 'col' }, notesPanel, requestsPanel), h('div', { class: 'col' }, ordersPanel, docsPanel)));
  const first = header.querySelector('#go-quote');
  first.setAttribute('data-autofocus', '');

  return {
    keys: {
      n: () => noteBox.focus(),
      q: goQuote,
      d: goDocs,
      r: goRequests,
      e: openEdit,
    },
    onEscape: () => {
      if (duplicates.isConfirming()) {
        duplicates.cancel();
        return true;
      }
      if (edit.isOpen()) {
        edit.close();
        editPanel.hidden = true;
        return true;
      }
      if (document.activeElement === noteBox && noteBox.value) {
        noteBox.blur();
        first.focus();
        return true;
      }
      return false;
    },
  };
}

/** The account's own facts in one line: plan, model, counts, dates, dealer, limits. */
function accountDetails(a) {
  const parts = [];
  const add = (label, value) => {
    if (value !== null && value !== undefined && value !== '') parts.push(h('span', { class: 'kv' }, h('span', { class: 'k' }, label), ' ', String(value)));
  };
  add('プラン', a.plan && choiceLabel('plan', a.plan, a.service));
  add('機種', a.server_model && choiceLabel('model', a.server_model, a.service));
  add('台数', a.servers);
  add('初回配送', a.first_delivery);
  add('最終出荷', a.last_shipment);
  add('販売店', a.dealer);
  add('月間上限', a.monthly_limit && yenText(a.monthly_limit));
  add('支払サイクル', a.billing_cycle && choiceLabel('cycle', a.billing_cycle, a.service));
  add('前払い済み', a.paid_through);
  add('端末', a.terminals);
  add('NP支払条件', a.np_terms && choiceLabel('terms', a.np_terms, a.service));
  add('ポイント', a.points);
  if (a.member !== null && a.member !== undefined) add('会員区分', a.member ? '会員' : 'ゲスト');
  return parts.length ? parts : h('span', { class: 'muted' }, '—');
}
