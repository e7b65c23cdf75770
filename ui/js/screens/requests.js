// 依頼: file a request for the customer (fields of its type), move it along its allowed statuses with a note, see its history; open requests by due date.

import * as api from '../api.js';
import { h, clear, table, badge, section, showError, hideError, busy, toast, shortMoment, jpDate, yenText } from '../dom.js';
import { answerKeyLabel, fieldLabel } from '../labels.js';
import { state, navigate, requestTypes, currentCustomer, loadCustomer, serviceLabel, choiceLabel } from '../state.js';
import { buildField, readAll, showFieldError, clearFieldErrors } from '../forms.js';
import { trackDirty } from '../dirty.js';

export const help = [['Enter'], '登録・変更', ['Alt+O'], '期限超過のみ'];

/** Statuses that end a request without doing it: never the preselected next step. */
const STOPS = new Set(['cancelled', 'withdrawn', 'expired', 'rejected', 'forced_cancellation']);


export async function render(main, { arg, params }) {
  const types = await requestTypes();
  const customer = arg ? await currentCustomer(arg) : null;
  const enc = customer ? encodeURIComponent(customer.id) : '';

  const detail = h(
    'section',
    { class: 'panel request-detail', id: 'request-detail', tabindex: '-1', 'aria-label': '依頼の詳細' },
    h('h2', {}, '依頼の詳細'),
    h('p', { class: 'muted' }, '依頼を登録するか、下の一覧で「開く」を選ぶと、内容・期限・履歴と状態の変更がここに表示されます。'),
  );
  const listBox = h('div', { id: 'request-list' });
  const overdueOnly = h('input', { type: 'checkbox', id: 'request-overdue-only' });
  const mineOnly = h('input', { type: 'checkbox', id: 'request-mine-only', checked: Boolean(customer) });
  const listPanel = section(
    '未完了の依頼（期限の近い順）',
    h(
      'div',
      { class: 'filters' },
      h('label', { class: 'check' }, overdueOnly, ' 期限超過のみ'),
      customer ? h('label', { class: 'check' }, mineOnly, ` ${customer.name} 様の依頼のみ`) : null,
    ),
    listBox,
  );

  const top = h('div', { class: 'request-layout' });
  main.append(top, listPanel);

  let createForm = null;
  if (customer) {
    createForm = buildCreateForm();
    top.append(createForm.el);
  } else {
    top.append(
      h(
        'section',
        { class: 'panel' },
        h('h1', {}, '依頼'),
        h('p', {}, '新しい依頼はお客様の画面から登録します（お客様を選んで R）。'),
        h('p', {}, h('a', { href: '#/search' }, '検索でお客様を探す（Ctrl+K）')),
      ),
    );
  }
  top.append(detail);

  // ---- creating a request -------------------------------------------------
  function buildCreateForm() {
    const services = customer.accounts.map((a) => a.service);
    const typeSelect = h('select', { id: 'request-type', name: 'type', 'data-field': 'type' });
    for (const t of types) {
      const ok = t.services.some((s) => services.includes(s));
      typeSelect.append(
        h('option', { value: t.type, disabled: !ok }, `${t.label}（${t.services.map(serviceLabel).join('・')}）${ok ? '' : ' — ご契約なし'}`),
      );
    }
    const usable = types.find((t) => t.services.some((s) => services.includes(s)));
    if (usable) typeSelect.value = usable.type;
    const wanted = params.get('type');
    if (wanted && types.some((t) => t.type === wanted)) typeSelect.value = wanted;

    const warning = h('div', { class: 'warning-box', hidden: true, role: 'note', id: 'request-warning' });
    const fieldsBox = h('div', { class: 'form-grid', id: 'request-fields' });
    const formError = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'request-form-error' });
    const submit = h('button', { type: 'submit', class: 'primary', id: 'request-create' }, '依頼を登録');
    const form = h(
      'form',
      { class: 'panel request-create', id: 'request-create-form', 'aria-label': '新しい依頼' },
      h('h1', {}, '新しい依頼'),
      h('p', { class: 'for-customer' }, `${customer.name} ${customer.honorific}`, h('span', { class: 'muted' }, `（${customer.name_kana}）`)),
      h('div', { class: 'field' }, h('label', { for: 'request-type' }, '依頼の種類'), typeSelect),
      warning,
      fieldsBox,
      formError,
      h('div', { class: 'actions' }, submit, h('span', { class: 'hint' }, '空欄の項目はご契約情報から補われます')),
    );
    let controls = [];
    // Typed fields are unsaved until the request is filed; choosing its type is not typing.
    typeSelect.setAttribute('data-dirty-ignore', '');
    const dirty = trackDirty(form);

    function drawFields() {
      const t = types.find((x) => x.type === typeSelect.value);
      clear(fieldsBox);
      clearFieldErrors(form, controls, formError);
      controls = t.fields.map((f) => buildField(f, { idPrefix: 'request', asString: true }));
      const account = customer.accounts.find((a) => t.services.includes(a.service));
      for (const c of controls) {
        // Show what the account holds; the API fills it in anyway when left empty.
        const fromAccount = account && accountValue(account, c.field.name);
        if (fromAccount !== null && fromAccount !== undefined) {
          c.set(fromAccount);
          c.control.classList.add('prefilled');
        }
        fieldsBox.append(c.row);
      }
      if (!controls.length) fieldsBox.append(h('p', { class: 'muted' }, 'この依頼に入力項目はありません'));
      if (t.warning) {
        warning.hidden = false;
        warning.textContent = t.warning;
      } else {
        warning.hidden = true;
      }
    }
    typeSelect.addEventListener('change', drawFields);
    drawFields();

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await busy(submit, async () => {
        clearFieldErrors(form, controls, formError);
        try {
          const view = await api.createRequest(typeSelect.value, customer.id, readAll(controls));
          dirty.clean();
          toast(`${view.type_label || '依頼'}を登録しました`, 'ok');
          await loadCustomer(customer.id);
          await showDetail(view.id, view);
          refreshList();
          const move = detail.querySelector('#request-move-to');
          (move || detail).focus();
        } catch (error) {
          showFieldError(form, controls, formError, error, { type: '依頼の種類', customer: 'お客様' });
        }
      });
    });
    typeSelect.setAttribute('data-autofocus', '');
    return { el: form };
  }

  // ---- one request ----------------------------------------------------------
  async function showDetail(id, known) {
    const view = known || (await api.request(id));
    drawDetail(view);
  }

  function drawDetail(v) {
    clear(detail);
    detail.hidden = false;
    const t = types.find((x) => x.type === v.type);
    const statuses = t ? t.statuses : [];
    detail.append(
      h(
        'h2',
        {},
        `${v.type_label}`,
        ' ',
        badge(v.status_label, v.open === false ? 'muted' : 'info'),
        v.overdue ? badge('期限超過', 'danger') : '',
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'サービス'),
        h('dd', {}, serviceLabel(v.service)),
        h('dt', {}, '次の期限'),
        h('dd', { id: 'request-due' }, v.due_on ? jpDate(v.due_on) : '—'),
        h('dt', {}, '受付'),
        h('dd', {}, shortMoment(v.created_at)),
        ...Object.entries(v.fields || {}).flatMap(([k, val]) => [h('dt', {}, fieldLabelOf(t, k)), h('dd', {}, displayValue(k, val))]),
        ...Object.entries(v.computed || {})
          .filter(([k, val]) => !(v.fields && v.fields[k] === val))
          .flatMap(([k, val]) => [h('dt', {}, answerKeyLabel(k)), h('dd', {}, displayValue(k, val))]),
      ),
    );
    if (v.warning) detail.append(h('div', { class: 'warning-box', role: 'note' }, v.warning));

    // The progress of the machine: every status, the current one marked.
    if (statuses.length) {
      detail.append(
        h(
          'ol',
          { class: 'steps', 'aria-label': '状態の流れ' },
          statuses
            .filter((s) => !STOPS.has(s.status) || s.status === v.status)
            .map((s) => h('li', { class: s.status === v.status ? 'current' : '', 'aria-current': s.status === v.status ? 'step' : null }, s.label)),
        ),
      );
    }

    const next = v.next || [];
    if (next.length) {
      const select = h('select', { id: 'request-move-to', name: 'to', 'data-field': 'to' });
      for (const n of next) select.append(h('option', { value: n.status }, n.label || n.status));
      const forward = next.find((n) => !STOPS.has(n.status));
      if (forward) select.value = forward.status;
      const note = h('textarea', { id: 'request-move-note', name: 'note', 'data-field': 'note', rows: '2', placeholder: '対応内容（任意）' });
      const button = h('button', { type: 'submit', class: 'primary', id: 'request-move' }, '状態を変更');
      const errorBox = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'request-move-error' });
      const form = h(
        'form',
        { class: 'move-form', 'aria-label': '状態の変更' },
        h('div', { class: 'form-grid two' }, h('div', { class: 'field' }, h('label', { for: 'request-move-to' }, '次の状態'), select), h('div', { class: 'field' }, h('label', { for: 'request-move-note' }, 'メモ'), note)),
        errorBox,
        h('div', { class: 'actions' }, button),
      );
      // The move's note, typed and not yet sent, holds a screen-pop back.
      trackDirty(form, { isDirty: () => note.value.trim() !== '' });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        await busy(button, async () => {
          hideError(errorBox);
          try {
            const moved = await api.moveRequest(v.id, select.value, note.value.trim());
            toast(`「${moved.status_label}」に変更しました`, 'ok');
            drawDetail(moved);
            refreshList();
            if (customer) loadCustomer(customer.id);
            const again = detail.querySelector('#request-move-to');
            (again || detail).focus();
          } catch (error) {
            showError(errorBox, error, { to: '次の状態', note: 'メモ' });
            select.focus();
          }
        });
      });
      note.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          form.requestSubmit();
        }
      });
      detail.append(form);
    } else {
      detail.append(h('p', { class: 'closed', id: 'request-closed' }, 'この依頼は終了しています。'));
    }

    detail.append(
      h('h3', {}, '履歴'),
      table(
        [
          ['日時', (x) => shortMoment(x.at)],
          ['変更', (x) => `${x.from ? statusName(statuses, x.from) + ' → ' : ''}${statusName(statuses, x.to)}`],
          ['担当', (x) => x.actor],
          ['メモ', (x) => x.comment, 'wide'],
        ],
        v.history || [],
        { empty: '履歴はありません' },
      ),
    );
    if (!customer || v.customer_id !== customer.id) {
      detail.append(h('p', {}, h('a', { href: `#/customer/${encodeURIComponent(v.customer_id)}` }, 'このお客様を開く')));
    }
  }

  // ---- the list --------------------------------------------------------------
  let listSeq = 0;
  async function refreshList() {
    const mySeq = ++listSeq;
    let answer;
    try {
      answer = await api.requests({ openOnly: true, overdueOnly: overdueOnly.checked });
    } catch (error) {
      const box = h('div', { class: 'field-error' });
      showError(box, error);
      clear(listBox).append(box);
      return;
    }
    if (mySeq !== listSeq) return;
    let rows = (answer.requests || []).slice();
    if (customer && mineOnly.checked) rows = rows.filter((r) => r.customer_id === customer.id);
    rows.sort((a, b) => (a.due_on || '9999') < (b.due_on || '9999') ? -1 : (a.due_on || '9999') > (b.due_on || '9999') ? 1 : 0);
    const shown = rows.slice(0, 200);
    clear(listBox);
    listBox.append(
      h('p', { class: 'muted' }, `${rows.length}件${rows.length > shown.length ? `（先頭${shown.length}件を表示）` : ''}　基準日 ${answer.as_of ? jpDate(answer.as_of) : ''}`),
      table(
        [
          ['期限', (r) => h('span', { class: r.overdue ? 'overdue' : '' }, r.due_on || '—')],
          ['', (r) => (r.overdue ? badge('期限超過', 'danger') : '')],
          ['種類', (r) => r.type_label],
          ['状態', (r) => badge(r.status_label, 'info')],
          ['お客様', (r) => r.customer_name],
          ['受付', (r) => shortMoment(r.created_at).slice(0, 10)],
          ['', (r) => h('button', { type: 'button', class: 'small', dataset: { requestId: r.id }, onclick: () => openFromList(r) }, '開く'), 'act'],
        ],
        shown,
        { empty: overdueOnly.checked ? '期限超過の依頼はありません' : '未完了の依頼はありません', rowAttrs: (r) => ({ class: r.overdue ? 'row-overdue' : '' }) },
      ),
    );
  }

  async function openFromList(r) {
    try {
      await showDetail(r.id);
      const move = detail.querySelector('#request-move-to');
      (move || detail).focus();
    } catch (error) {
      toast(showError(null, error), 'error');
    }
  }

  overdueOnly.addEventListener('change', refreshList);
  mineOnly.addEventListener('change', refreshList);
  await refreshList();

  if (params.get('open')) {
    try {
      await showDetail(params.get('open'));
      const move = detail.querySelector('#request-move-to');
      (move || detail).setAttribute('data-autofocus', '');
    } catch {
      // Shown as not found in the list.
    }
  } else if (!customer) {
    const first = listBox.querySelector('button');
    if (first) first.setAttribute('data-autofocus', '');
  }

  const handler = (event) => {
    if (event.altKey && (event.key === 'o' || event.key === 'O')) {
      event.preventDefault();
      overdueOnly.checked = !overdueOnly.checked;
      refreshList();
    }
  };
  document.addEventListener('keydown', handler);
  return {
    cleanup: () => document.removeEventListener('keydown', handler),
    onEscape: () => {
      if (!customer) {
        navigate('#/search');
        return true;
      }
      return false;
    },
  };
}

function accountValue(account, name) {
  switch (name) {
    case 'current_dealer':
      return account.dealer;
    case 'plan':
    case 'first_delivery':
    case 'last_shipment':
    case 'servers':
    case 'paid_through':
      return account[name];
    default:
      return null;
  }
}

function fieldLabelOf(t, key) {
  const f = t && t.fields.find((x) => x.name === key);
  return (f && f.label) || fieldLabel(key);
}

function statusName(statuses, status) {
  const s = statuses.find((x) => x.status === status);
  return (s && s.label) || status;
}

function displayValue(key, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'はい' : 'いいえ';
  if (Array.isArray(value)) return value.map((v) => (/^\d{4}-\d{2}/.test(v) ? jpDate(v) : v)).join('、');
  const text = String(value);
  if (key === 'total' || key === 'monthly_fee') return yenText(text);
  if (/^\d{4}-\d{2}(-\d{2})?/.test(text)) return jpDate(text);
  return choiceLabel(key, text);
}
