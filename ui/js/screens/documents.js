// 書類: pick one of the seven document types, edit the draft (recipient, lines, dates…), issue it, print it, open it or save a copy (a save dialog); re-issue.

import * as api from '../api.js';
import { h, clear, table, badge, section, showError, hideError, busy, toast, shortMoment, newId, cssEscape } from '../dom.js';
import { state, docTypes, docForms, currentCustomer, loadCustomer, serviceLabel, docTypeLabel, choiceLabel } from '../state.js';
import { trackDirty } from '../dirty.js';

export const help = [['Enter'], '実行', ['Alt+I'], '発行する'];

export async function render(main, { arg, params }) {
  const [types, forms] = await Promise.all([docTypes(), docForms()]);
  const customer = arg || state.customerId ? await currentCustomer(arg) : null;
  if (!customer) {
    main.append(
      h('section', { class: 'panel' }, h('h1', {}, '書類'), h('p', {}, '書類はお客様ごとに発行します。先にお客様を選んでください。'), h('p', {}, h('a', { href: '#/search', 'data-autofocus': true }, '検索でお客様を探す（Ctrl+K）'))),
    );
    return {};
  }

  const orders = customer.accounts.flatMap((a) => a.orders.map((o) => ({ ...o, service: a.service })));
  const typeSelect = h('select', { id: 'doc-type', name: 'doc_type', 'data-field': 'doc_type' });
  for (const t of types) typeSelect.append(h('option', { value: t.type }, `${t.label}${t.from_order ? '（注文から）' : ''}`));
  const orderSelect = h('select', { id: 'doc-order', name: 'order_id', 'data-field': 'order_id' });
  orderSelect.append(h('option', { value: '' }, '注文を指定しない'));
  for (const o of orders) {
    orderSelect.append(
      h('option', { value: o.id }, `${o.order_number}　${shortMoment(o.ordered_at).slice(0, 10)}　${choiceLabel('payment', o.payment_method)}　${o.shipped_on ? `出荷 ${o.shipped_on}` : '未出荷'}`),
    );
  }
  const orderRow = h('div', { class: 'field' }, h('label', { for: 'doc-order' }, '注文'), orderSelect);
  const draftButton = h('button', { type: 'submit', class: 'primary', id: 'doc-draft' }, '下書きを作成');
  const pickError = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'doc-pick-error' });
  const pickForm = h(
    'form',
    { class: 'panel doc-pick', 'aria-label': '書類の種類' },
    h('h1', {}, '書類の発行'),
    h('p', { class: 'for-customer' }, `${customer.name} ${customer.honorific}`, h('span', { class: 'muted' }, `（${customer.name_kana}）`)),
    h('div', { class: 'form-grid two' }, h('div', { class: 'field' }, h('label', { for: 'doc-type' }, '書類の種類'), typeSelect), orderRow),
    pickError,
    h('div', { class: 'actions' }, draftButton),
  );

  const editor = h('section', { class: 'panel doc-editor', id: 'doc-editor', hidden: true, tabindex: '-1', 'aria-label': '書類の内容' });
  const result = h('section', { class: 'panel doc-result', id: 'doc-result', hidden: true, tabindex: '-1', 'aria-label': '発行結果' });
  const issued = h('div', { id: 'doc-issued' });
  const issuedPanel = section('このお客様の発行済み書類', issued);

  main.append(h('div', { class: 'doc-layout' }, h('div', { class: 'col' }, pickForm, result), h('div', { class: 'col wide' }, editor)), issuedPanel);

  function typeDef() {
    return types.find((t) => t.type === typeSelect.value);
  }
  function syncOrderRow() {
    const fromOrder = typeDef() && typeDef().from_order;
    orderRow.hidden = !fromOrder || orders.length === 0;
  }
  typeSelect.addEventListener('change', syncOrderRow);

  // Defaults from the URL: an order chosen on the customer screen, or a number to re-issue.
  if (params.get('order')) {
    orderSelect.value = params.get('order');
    const firstFromOrder = types.find((t) => t.from_order && t.type === 'receipt') || types.find((t) => t.from_order);
    if (firstFromOrder) typeSelect.value = params.get('type') || firstFromOrder.type;
  } else if (params.get('type')) {
    typeSelect.value = params.get('type');
  }
  syncOrderRow();

  let draft = null;
  let readDraft = null;

  pickForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(draftButton, async () => {
      hideError(pickError);
      try {
        const orderId = !orderRow.hidden && orderSelect.value ? orderSelect.value : undefined;
        draft = await api.documentDraft(typeSelect.value, customer.id, orderId);
        drawEditor(typeSelect.value, draft, orderId);
        const first = editor.querySelector('input, select, textarea');
        if (first) first.focus();
        else editor.focus();
      } catch (error) {
        showError(pickError, error, { doc_type: '書類の種類', order_id: '注文' });
        typeSelect.focus();
      }
    });
  });

  function drawEditor(docType, doc, orderId) {
    clear(editor);
    editor.hidden = false;
    const formError = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'doc-form-error' });
    const issueButton = h('button', { type: 'submit', class: 'primary', id: 'doc-issue' }, 'この内容で発行する');
    const body = h('div', { class: 'doc-fields' });
    const readers = [];
    if (!('issuer' in doc)) {
      // Issuing prints the stored issuer (with its seal): shown here, changed under 設定.
      const stored = state.settings && state.settings.issuers ? state.settings.issuers[doc.service] : null;
      body.append(issuerSummary(stored));
    }
    // The form is the type's declared fields (document_forms), in their order: each control by
    // its kind, filled from the draft. A field the draft leaves out (what the customer tells on
    // the call) is offered empty and sent only when filled; a party or the lines it leaves out
    // are not offered.
    const own = forms.types.find((t) => t.type === docType).fields;
    for (const field of [...forms.common_fields, ...own]) {
      const key = field.name;
      if (!(key in doc)) {
        if (field.kind === 'party' || field.kind === 'lines' || field.kind === 'issuer') continue;
        const built = buildScalar(field, null, key);
        body.append(built.el);
        readers.push(() => [key, built.read() ?? undefined]);
      } else if (key === 'service') {
        body.append(h('p', { class: 'muted' }, `サービス: ${serviceLabel(doc.service)}`));
        readers.push(() => [key, doc.service]);
      } else if (key === 'issuer') {
        body.append(issuerSummary(doc.issuer));
        readers.push(() => [key, doc.issuer]);
      } else {
        const built = buildValue(field, doc[key], key);
        body.append(built.el);
        readers.push(() => [key, built.read()]);
      }
    }
    readDraft = () => Object.fromEntries(readers.map((r) => r()).filter(([, v]) => v !== undefined));
    const form = h(
      'form',
      { id: 'doc-form', 'aria-label': `${docTypeLabel(docType)}の内容` },
      h('h2', {}, `${docTypeLabel(docType)}の内容`, h('span', { class: 'muted small' }, '　発行前に確認・修正できます')),
      body,
      formError,
      h('div', { class: 'actions' }, issueButton, h('span', { class: 'hint' }, 'Alt+I でも発行できます')),
    );
    const dirty = trackDirty(form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await busy(issueButton, async () => {
        hideError(formError);
        for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
        try {
          const doc = readDraft();
          const answer = await api.issueDocument(docType, doc, customer.id, orderId);
          // The draft is spent: a second Enter must not issue a second number.
          dirty.clean();
          clear(editor);
          editor.hidden = true;
          drawResult(docType, answer, false);
          refreshIssued();
        } catch (error) {
          const target = findFieldControl(form, error.field);
          if (target) target.setAttribute('aria-invalid', 'true');
          showError(formError, error);
          (target || issueButton).focus();
        }
      });
    });
    editor.append(form);
  }

  function drawResult(docType, answer, reissue) {
    clear(result);
    result.hidden = false;
    // 印刷 first: what an agent does with a document on a call; the copy's place is asked in a dialog.
    const printButton = h('button', { type: 'button', id: 'doc-print', class: 'primary' }, '印刷');
    const openButton = h('button', { type: 'button', id: 'doc-open' }, '開く');
    const saveButton = h('button', { type: 'button', id: 'doc-save' }, 'コピーを保存…');
    const message = h('p', { class: 'hint', 'aria-live': 'polite', id: 'doc-result-message' });
    const errorBox = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'doc-result-error' });
    const actions = h('div', { class: 'actions doc-actions', role: 'group', 'aria-label': 'この書類の操作' }, printButton, openButton, saveButton);

    /** One button's command; `done(answer)` says what happened, a closed dialog says so quietly. */
    function act(button, command, done) {
      button.addEventListener('click', async () => {
        await busy(button, async () => {
          // The last outcome goes as the new command starts: what shows after is this one's.
          hideError(errorBox);
          message.textContent = '';
          message.classList.remove('muted');
          try {
            const answer = await command();
            if (api.isCancelled(answer)) {
              message.textContent = 'キャンセルしました';
              message.classList.add('muted');
            } else {
              done(answer);
            }
          } catch (error) {
            message.textContent = '';
            showError(errorBox, error, { path: '保存先', number: '書類番号' });
          }
          button.focus();
        });
      });
    }
    act(printButton, () => api.printDocument(answer.number), (printed) => {
      message.textContent = `プリンターに送りました: ${printed.path}`;
      toast('書類をプリンターに送りました', 'ok');
    });
    act(openButton, () => api.openDocument(answer.number), (opened) => {
      message.textContent = `ビューアで開きました: ${opened.path}`;
    });
    act(saveButton, () => api.saveDocument(answer.number), (saved) => {
      message.textContent = `保存しました: ${saved.path}`;
      toast('書類のコピーを保存しました', 'ok');
    });
    result.append(
      h('h2', {}, reissue ? '再発行しました' : '発行しました', reissue ? badge('再発行', 'warn') : ''),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, '書類'),
        h('dd', {}, docTypeLabel(docType)),
        h('dt', {}, '番号'),
        h('dd', { class: 'mono', id: 'doc-number' }, answer.number),
        h('dt', {}, 'ファイル'),
        h('dd', { class: 'mono path', id: 'doc-path' }, answer.path),
        h('dt', {}, 'ページ数'),
        h('dd', { id: 'doc-pages' }, `${answer.pages}ページ`),
        h('dt', {}, 'サイズ'),
        h('dd', {}, answer.bytes !== undefined ? `${Math.max(1, Math.round(answer.bytes / 1024))} KB` : ''),
      ),
      ...(answer.warnings || []).map((w) => h('div', { class: 'warning-box doc-warning', role: 'note' }, w)),
      actions,
      message,
      errorBox,
    );
    result.focus();
  }

  async function refreshIssued() {
    const fresh = await loadCustomer(customer.id);
    drawIssued(fresh.documents);
  }

  function drawIssued(documents) {
    clear(issued);
    issued.append(
      table(
        [
          ['種類', (d) => docTypeLabel(d.type)],
          ['番号', (d) => h('span', { class: 'mono' }, d.number)],
          ['発行日時', (d) => shortMoment(d.issued_at)],
          ['', (d) => (d.reissue_of ? badge('再発行', 'warn') : '')],
          [
            '',
            (d) => h('button', { type: 'button', class: 'small', dataset: { number: d.number }, onclick: (e) => reissue(d, e.currentTarget) }, `${d.number} を再発行`),
            'act',
          ],
        ],
        documents,
        { empty: 'このお客様に発行した書類はありません' },
      ),
    );
  }

  async function reissue(d, button) {
    await busy(button, async () => {
      hideError(pickError);
      try {
        const answer = await api.reissueDocument(d.type, d.number);
        drawResult(d.type, answer, true);
        refreshIssued();
      } catch (error) {
        showError(pickError, error);
        button.focus();
      }
    });
  }

  drawIssued(customer.documents);

  if (params.get('reissue')) {
    const number = params.get('reissue');
    const button = issued.querySelector(`button[data-number="${cssEscape(number)}"]`);
    if (button) button.setAttribute('data-autofocus', '');
  } else {
    typeSelect.setAttribute('data-autofocus', '');
  }

  const handler = (event) => {
    if (event.altKey && (event.key === 'i' || event.key === 'I')) {
      const form = editor.querySelector('#doc-form');
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  };
  document.addEventListener('keydown', handler);
  return { cleanup: () => document.removeEventListener('keydown', handler) };
}

function issuerSummary(issuer) {
  if (!issuer) {
    return h('div', { class: 'issuer-box warn' }, '発行者が設定されていません。設定画面（Alt+6）で発行者を登録してください。');
  }
  return h(
    'div',
    { class: 'issuer-box' },
    h('div', { class: 'muted small' }, '発行者（設定画面 Alt+6 で変更できます）'),
    h('div', {}, issuer.name),
    h('div', { class: 'muted' }, `〒${issuer.postal_code || ''} ${issuer.address || ''}　TEL ${issuer.phone || ''}${issuer.fax ? `　FAX ${issuer.fax}` : ''}${issuer.registration_number ? `　登録番号 ${issuer.registration_number}` : ''}`),
  );
}

function findFieldControl(form, field) {
  if (!field) return null;
  const exact = form.querySelector(`[data-field="${cssEscape(field)}"]`);
  if (exact) return exact;
  // "lines[1].unit" vs "lines.1.unit": try the other spelling, then the last part.
  const dotted = field.replace(/\[(\d+)\]/g, '.$1');
  for (const el of form.querySelectorAll('[data-field]')) {
    if (el.dataset.field.replace(/\[(\d+)\]/g, '.$1') === dotted) return el;
  }
  const last = field.split('.').pop();
  return form.querySelector(`[data-field$=".${cssEscape(last)}"], [data-field="${cssEscape(last)}"]`);
}

/**
 * A control (or group) for one field of the document, by its declared kind (`document_forms`);
 * read() gives the value back in the type the document JSON has.
 */
function buildValue(field, value, path) {
  if (field.kind === 'lines') return buildLines(field, value || [], path);
  if (field.kind === 'party') {
    const declared = Object.fromEntries(field.fields.map((f) => [f.name, f]));
    const parts = Object.entries(value || {}).map(([k, v]) => [k, buildValue(declared[k], v, `${path}.${k}`)]);
    const el = h('fieldset', { class: 'group' }, h('legend', {}, field.label), h('div', { class: 'form-grid' }, parts.map(([, p]) => p.el)));
    return { el, read: () => Object.fromEntries(parts.map(([k, p]) => [k, p.read()])) };
  }
  return buildScalar(field, value, path);
}

function labelled(text, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}

/** One value: a checkbox, a list of the declared choices, or a text box (dates, yen, counts, text). */
function buildScalar(field, value, path) {
  const id = newId('doc');
  if (field.kind === 'flag') {
    const box = h('input', { id, type: 'checkbox', 'data-field': path, checked: value });
    return { el: h('div', { class: 'field field-check' }, box, h('label', { for: id }, field.label)), read: () => box.checked };
  }
  if (field.kind === 'choice') {
    const select = h('select', { id, 'data-field': path });
    const options = field.required && value ? [...field.choices] : [{ value: '', label: '（指定なし）' }, ...field.choices];
    // A value the draft brought that is not declared (an order's rare payment method) stays as it is.
    if (value && !options.some((o) => o.value === value)) options.push({ value, label: value });
    for (const option of options) select.append(h('option', { value: option.value }, option.label));
    select.value = value || '';
    return { el: labelled(field.label, select), read: () => (select.value === '' ? null : select.value) };
  }
  const numeric = field.kind === 'count' || field.kind === 'yen';
  const input = h('input', {
    id,
    type: 'text',
    'data-field': path,
    autocomplete: 'off',
    spellcheck: 'false',
    inputmode: numeric ? 'numeric' : null,
    class: field.kind === 'count' ? 't-count' : field.kind === 'date' || field.kind === 'month' ? 't-date' : '',
  });
  input.value = value === null || value === undefined ? '' : String(value);
  const read = () => {
    const text = input.value.trim();
    if (field.kind === 'count') return /^-?\d+$/.test(text) ? Number(text) : text;
    if (value === null && text === '') return null;
    return text;
  };
  return { el: labelled(field.label, input), read };
}

/** The lines of a document as an editable table, one column per declared line field. */
function buildLines(field, lines, path) {
  const columns = field.fields;
  const template = Object.fromEntries(columns.map((c) => [c.name, c.kind === 'count' ? 1 : c.kind === 'flag' ? false : c.kind === 'choice' ? c.choices[0].value : '']));
  const tbody = h('tbody', {});
  const rows = [];
  const legendId = newId('lines');

  function addRow(line) {
    const cells = columns.map((column) => {
      const k = column.name;
      const v = line[k] === undefined ? template[k] : line[k];
      const built = buildScalar(column, v, '');
      // Inside the table the header names the column; the label stays for screen readers.
      const control = built.el.querySelector('input, select, textarea');
      const label = built.el.querySelector('label');
      if (label && control) control.setAttribute('aria-label', label.textContent);
      return { key: k, built, control };
    });
    const row = { cells, tr: null };
    const removeButton = h('button', { type: 'button', class: 'small ghost', 'aria-label': '行を削除' }, '削除');
    row.tr = h(
      'tr',
      {},
      cells.map((c) => h('td', { class: c.control && c.control.type === 'checkbox' ? 'center' : '' }, c.control)),
      h('td', { class: 'act' }, removeButton),
    );
    removeButton.addEventListener('click', () => {
      const i = rows.indexOf(row);
      if (i >= 0) rows.splice(i, 1);
      row.tr.remove();
      renumber();
      const next = tbody.querySelector('input, select');
      (next || addButton).focus();
    });
    rows.push(row);
    tbody.append(row.tr);
    renumber();
    return row;
  }

  function renumber() {
    rows.forEach((row, i) => {
      for (const c of row.cells) if (c.control) c.control.dataset.field = `${path}[${i}].${c.key}`;
    });
  }

  const addButton = h('button', { type: 'button', class: 'small' }, '行を追加');
  addButton.addEventListener('click', () => {
    const row = addRow({});
    const first = row.tr.querySelector('input, select');
    if (first) first.focus();
  });
  for (const line of lines) addRow(line);

  const el = h(
    'fieldset',
    { class: 'group lines' },
    h('legend', { id: legendId }, field.label),
    h(
      'table',
      { class: 'grid edit', 'aria-labelledby': legendId },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: `col-${c.name}` }, c.label)), h('th', {}, ''))),
      tbody,
    ),
    h('div', { class: 'actions' }, addButton, h('span', { class: 'hint' }, '単価は税込の円。税額・合計は発行時に計算されます')),
  );
  const read = () => rows.map((row) => Object.fromEntries(row.cells.map((c) => [c.key, c.built.read()])));
  return { el, read };
}
