// 料金・期限の見積り: a form built from quote_kinds, prefilled from the customer's account, the answer and the wording for the caller.

import * as api from '../api.js';
import { h, clear, table, badge, yen, yenText, jpDate, busy, toast, showError, hideError } from '../dom.js';
import { answerKeyLabel, REASONS, TAX } from '../labels.js';
import { state, kinds, currentCustomer, serviceLabel, choiceLabel } from '../state.js';
import { buildField, readAll, showFieldError, clearFieldErrors } from '../forms.js';
import { trackDirty } from '../dirty.js';

export const help = [['Enter'], '計算する', ['Alt+S'], '履歴に保存'];

export async function render(main, { arg, params }) {
  const catalog = await kinds();
  const customer = arg || state.customerId ? await currentCustomer(arg) : null;
  const customerServices = customer ? customer.accounts.map((a) => a.service) : [];

  const services = [...catalog.services].sort((a, b) => rank(a.id) - rank(b.id));
  function rank(id) {
    const i = customerServices.indexOf(id);
    return i < 0 ? 100 + catalog.services.findIndex((s) => s.id === id) : i;
  }

  const serviceSelect = h('select', { id: 'quote-service', name: 'service', 'data-field': 'service', 'data-autofocus': true });
  for (const s of services) {
    serviceSelect.append(h('option', { value: s.id }, `${serviceLabel(s.id)}${customerServices.includes(s.id) ? '（ご契約あり）' : ''}`));
  }
  const kindSelect = h('select', { id: 'quote-kind', name: 'kind', 'data-field': 'kind' });
  const fieldsBox = h('div', { class: 'form-grid', id: 'quote-fields' });
  const commonBox = h('div', { class: 'form-grid' });
  const formError = h('div', { class: 'field-error', hidden: true, role: 'alert', id: 'quote-form-error' });
  const prefillNote = h('p', { class: 'hint', id: 'quote-prefill-note', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'quote-submit' }, '計算する');
  const answerBox = h('section', { class: 'panel answer', id: 'quote-answer', tabindex: '-1', 'aria-label': '見積り結果', hidden: true });

  const form = h(
    'form',
    { class: 'panel quote-form', id: 'quote-form', 'aria-label': '見積りの条件' },
    h('h1', {}, '料金・期限の見積り'),
    customer ? h('p', { class: 'for-customer' }, `${customer.name} ${customer.honorific}`, h('span', { class: 'muted' }, `（${customer.name_kana}）`)) : h('p', { class: 'muted' }, 'お客様を選ばずに見積ります（履歴には保存できません）'),
    h(
      'div',
      { class: 'form-grid two' },
      h('div', { class: 'field' }, h('label', { for: 'quote-service' }, 'サービス'), serviceSelect),
      h('div', { class: 'field' }, h('label', { for: 'quote-kind' }, '見積りの種類'), kindSelect),
    ),
    prefillNote,
    fieldsBox,
    h('details', { class: 'common' }, h('summary', {}, '受付日時・都道府県'), commonBox),
    formError,
    h('div', { class: 'actions' }, submit, h('span', { class: 'hint' }, '入力欄で Enter を押しても計算します')),
  );

  main.append(h('div', { class: 'quote-layout' }, form, answerBox));
  // Typed conditions are unsaved until computed; choosing the service or kind is not typing.
  serviceSelect.setAttribute('data-dirty-ignore', '');
  kindSelect.setAttribute('data-dirty-ignore', '');
  const dirty = trackDirty(form);

  let controls = [];
  let commonControls = [];
  let lastRequest = null;
  let lastAnswer = null;
  let formSeq = 0;

  // Common fields: as_of and prefecture (prefecture preset from the customer's address).
  for (const raw of catalog.common_fields) {
    const c = buildField(raw, { idPrefix: 'quote-common' });
    commonControls.push(c);
    commonBox.append(c.row);
  }
  const pref = commonControls.find((c) => c.field.name === 'prefecture');
  if (pref && customer) pref.set(customer.prefecture);

  function serviceDef() {
    return catalog.services.find((s) => s.id === serviceSelect.value);
  }

  function fillKinds(preferred) {
    clear(kindSelect);
    for (const k of serviceDef().kinds) kindSelect.append(h('option', { value: k.kind }, k.label));
    if (preferred && serviceDef().kinds.some((k) => k.kind === preferred)) kindSelect.value = preferred;
  }

  async function buildForm() {
    const mySeq = ++formSeq;
    const kind = serviceDef().kinds.find((k) => k.kind === kindSelect.value);
    clear(fieldsBox);
    clearFieldErrors(form, controls, formError);
    controls = kind.fields.map((f) => buildField(f, { idPrefix: 'quote' }));
    for (const c of controls) fieldsBox.append(c.row);
    prefillNote.textContent = '';
    if (customer && customerServices.includes(serviceSelect.value)) {
      try {
        const prefill = await api.quotePrefill(customer.id, serviceSelect.value, kindSelect.value);
        if (mySeq !== formSeq) return;
        const filled = [];
        for (const [key, value] of Object.entries(prefill || {})) {
          const c = controls.find((x) => x.field.name === key) || commonControls.find((x) => x.field.name === key && key === 'prefecture');
          if (c && value !== null && value !== undefined) {
            c.set(value);
            c.control.classList.add('prefilled');
            filled.push(c.field.label);
          }
        }
        prefillNote.textContent = filled.length ? `ご契約情報から入力しました: ${filled.join('、')}` : '';
      } catch (error) {
        if (mySeq !== formSeq) return;
        prefillNote.textContent = '';
        showError(formError, error);
      }
    }
  }

  serviceSelect.addEventListener('change', () => {
    fillKinds();
    buildForm();
  });
  kindSelect.addEventListener('change', () => buildForm());

  const initialService = params.get('service') || (customerServices.find((s) => catalog.services.some((x) => x.id === s)) ?? services[0].id);
  serviceSelect.value = initialService;
  if (!serviceSelect.value) serviceSelect.value = services[0].id;
  fillKinds(params.get('kind'));
  await buildForm();

  async function compute(event) {
    if (event) event.preventDefault();
    await busy(submit, async () => {
      clearFieldErrors(form, [...controls, ...commonControls], formError);
      const request = { service: serviceSelect.value, kind: kindSelect.value, ...readAll(commonControls), ...readAll(controls) };
      try {
        const answer = await api.quote(request);
        dirty.clean();
        lastRequest = request;
        lastAnswer = answer;
        drawAnswer(request, answer);
        answerBox.focus();
      } catch (error) {
        answerBox.hidden = true;
        showFieldError(form, [...controls, ...commonControls], formError, error, { service: 'サービス', kind: '見積りの種類' });
      }
    });
  }
  form.addEventListener('submit', compute);

  function kindLabel(request) {
    const s = catalog.services.find((x) => x.id === request.service);
    const k = s && s.kinds.find((x) => x.kind === request.kind);
    return k ? k.label : request.kind;
  }

  function drawAnswer(request, answer) {
    clear(answerBox);
    answerBox.hidden = false;
    const title = `${serviceLabel(answer.service)}　${kindLabel(request)}`;
    answerBox.append(h('h2', {}, '見積り結果: ', title), h('p', { class: 'muted' }, `受付日時 ${jpDate(answer.as_of)}`));

    const lines = answer.lines || [];
    answerBox.append(
      h(
        'table',
        { class: 'grid money', id: 'quote-lines' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '項目'), h('th', { scope: 'col', class: 'num' }, '単価'), h('th', { scope: 'col', class: 'num' }, '数量'), h('th', { scope: 'col', class: 'num' }, '金額'), h('th', { scope: 'col' }, '税区分'), h('th', { scope: 'col' }, '備考'))),
        h(
          'tbody',
          {},
          lines.length
            ? lines.map((l) =>
                h(
                  'tr',
                  {},
                  h('td', {}, l.label),
                  h('td', { class: 'num' }, yenText(l.unit)),
                  h('td', { class: 'num' }, l.quantity),
                  h('td', { class: 'num' }, yenText(l.amount)),
                  h('td', {}, TAX[l.tax] || l.tax || ''),
                  h('td', { class: 'muted' }, lineExtras(l)),
                ),
              )
            : h('tr', {}, h('td', { colspan: '6', class: 'empty' }, '料金の発生する項目はありません')),
        ),
        h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', colspan: '3' }, '合計'), h('td', { class: 'num total', id: 'quote-total', 'data-total': answer.total }, yenText(answer.total)), h('td', { colspan: '2' }))),
      ),
    );

    const facts = [];
    for (const [key, value] of Object.entries(answer.dates || {})) facts.push([answerKeyLabel(key), jpDate(value), 'date']);
    for (const [key, value] of Object.entries(answer.flags || {})) facts.push([answerKeyLabel(key), flagBadge(key, value), 'flag']);
    const known = new Set(['service', 'kind', 'as_of', 'total', 'lines', 'dates', 'flags', 'notes', 'tariff', 'bills']);
    for (const [key, value] of Object.entries(answer)) {
      if (known.has(key)) continue;
      facts.push([answerKeyLabel(key), otherValue(key, value), 'other']);
    }
    if (facts.length) {
      answerBox.append(h('h3', {}, '日付・判定'), h('dl', { class: 'facts answer-facts' }, facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    }
    if (Array.isArray(answer.bills)) {
      answerBox.append(h('h3', {}, '請求予定'));
      for (const bill of answer.bills) {
        answerBox.append(
          h('h4', {}, `${jpDate(bill.month)}請求（計上日 ${jpDate(bill.posted)}）: ${yenText(bill.total)}`),
          table(
            [
              ['項目', (l) => l.label],
              ['期間', (l) => (l.from ? `${l.from}〜${l.to}` : '')],
              ['数量', (l) => l.quantity, 'num'],
              ['金額', (l) => yenText(l.amount), 'num'],
            ],
            bill.lines || [],
          ),
        );
      }
    }
    if (answer.notes && answer.notes.length) {
      answerBox.append(h('h3', {}, '注意事項'), h('ul', { class: 'notes-list' }, answer.notes.map((n) => h('li', {}, n))));
    }
    if (answer.tariff) {
      answerBox.append(
        h(
          'p',
          { class: 'tariff muted' },
          `料金表 ${answer.tariff.id} ${answer.tariff.version}（${answer.tariff.effective_from}から適用）`,
          answer.tariff.sample_prices ? badge('サンプル料金', 'warn') : '',
        ),
      );
    }

    const guidance = h('textarea', { id: 'quote-guidance', rows: '8', class: 'guidance' });
    guidance.value = composeGuidance(request, answer);
    answerBox.append(h('h3', {}, h('label', { for: 'quote-guidance' }, 'お客様へのご案内')), guidance);
    // A quote with a secret (a password to check) is never offered for saving.
    if (controls.some((c) => c.field.type === 'secret')) {
      answerBox.append(h('p', { class: 'hint', id: 'quote-not-saved' }, 'パスワードなど秘密の項目を含む見積りは、履歴に保存しません。'));
      return;
    }
    const saveButton = h('button', { type: 'button', class: 'primary', id: 'quote-save', disabled: !customer }, 'お客様の履歴に保存');
    const saveError = h('div', { class: 'field-error', hidden: true, role: 'alert' });
    const saved = h('span', { class: 'hint', 'aria-live': 'polite', id: 'quote-saved' });
    saveButton.addEventListener('click', () => save(saveButton, saveError, saved));
    answerBox.append(
      h('div', { class: 'actions' }, saveButton, saved, customer ? h('span', { class: 'hint' }, 'Alt+S') : h('span', { class: 'hint' }, 'お客様を選ぶと保存できます')),
      saveError,
    );
  }

  async function save(button, errorBox, saved) {
    if (!customer || !lastAnswer) return;
    await busy(button, async () => {
      hideError(errorBox);
      try {
        await api.saveQuote(customer.id, lastRequest, lastAnswer);
        saved.textContent = '通話メモとして保存しました';
        toast('見積りをお客様の履歴に保存しました', 'ok');
      } catch (error) {
        showError(errorBox, error);
      }
    });
  }

  function composeGuidance(request, answer) {
    const out = [];
    const who = customer ? `${customer.name}様、` : '';
    out.push(`${who}${serviceLabel(answer.service)}の「${kindLabel(request)}」についてご案内いたします。`);
    const lines = answer.lines || [];
    if (lines.length) {
      for (const l of lines) {
        const detail = l.quantity > 1 ? `（${yen(l.unit)}円×${l.quantity}）` : '';
        out.push(`・${l.label}：${yen(l.amount)}円${detail}${l.tax === 'non_taxable' ? '（不課税）' : ''}${l.due ? `（${jpDate(l.due)}）` : ''}`);
      }
      out.push(`合計 ${yen(answer.total)}円となります。`);
    } else if (answer.flags && answer.flags.free === true) {
      out.push('お手続きの料金はかかりません。');
    }
    for (const [key, value] of Object.entries(answer.dates || {})) out.push(`・${answerKeyLabel(key)}：${jpDate(value)}`);
    for (const note of answer.notes || []) out.push(note);
    if (answer.tariff && answer.tariff.sample_prices) out.push('※金額はサンプル料金です。実際のご請求額はご契約内容によります。');
    return out.join('\n');
  }

  // Alt+S saves from anywhere on this screen.
  return customer ? installSaveShortcut(main) : {};
}

function installSaveShortcut(main) {
  const handler = (event) => {
    if (event.altKey && (event.key === 's' || event.key === 'S')) {
      const button = main.querySelector('#quote-save');
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    }
  };
  document.addEventListener('keydown', handler);
  return { cleanup: () => document.removeEventListener('keydown', handler) };
}

function lineExtras(line) {
  const parts = [];
  if (line.due) parts.push(`期日 ${line.due}`);
  if (line.from) parts.push(`${line.from}〜${line.to || ''}`);
  if (line.month) parts.push(line.month);
  return parts.join('　');
}

function flagBadge(key, value) {
  if (value === true) return badge('はい', key === 'forced_cancellation' ? 'danger' : 'ok');
  if (value === false) return badge('いいえ', ['free', 'on_time', 'eligible', 'within_period', 'allowed', 'accepted', 'valid'].includes(key) ? 'warn' : 'neutral');
  return String(value);
}

function otherValue(key, value) {
  if (Array.isArray(value)) {
    if (!value.length) return 'なし';
    return value.map((v) => REASONS[v] || (/^\d{4}-\d{2}$/.test(v) ? jpDate(v) : choiceLabel(key, v))).join('、');
  }
  if (key === 'remaining') return yenText(value);
  if (key === 'contract_month') return `${value}か月目`;
  if (typeof value === 'string' && /^\d{4}-\d{2}(-\d{2})?/.test(value)) return jpDate(value);
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
