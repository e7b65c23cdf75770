// 登録内容の変更 (the customer screen): the customer's own fields in one form; seven digits of a postal code fill 都道府県, 市区町村 and the 町域 from Japan Post's table.

import * as api from './api.js';
import { h, clear, fieldRow, errorSlotOf, showError, hideError, markInvalid, halfWidth, busy, toast } from './dom.js';
import { PREFECTURES } from './labels.js';
import { trackDirty } from './dirty.js';

const LABELS = { name: '氏名・名称', name_kana: 'フリガナ', postal_code: '郵便番号', prefecture: '都道府県', city: '市区町村', address: '住所', birth_date: '生年月日' };

/** The seven digits of what was typed (〒, hyphens, full-width digits allowed), or null. */
function postalDigits(text) {
  const digits = halfWidth(String(text || ''))
    .replace(/^\s*〒/, '')
    .replace(/[\s-]/g, '');
  return /^\d{7}$/.test(digits) ? digits : null;
}

/** A choice's label: 市区町村 and 町域, with Japan Post's remark. */
function placeLabel(a, withPrefecture) {
  const town = a.town || '（町域の指定なし）';
  return `${withPrefecture ? a.prefecture : ''}${a.city}${town}${a.note ? `（${a.note}）` : ''}${a.office ? ' [事業所]' : ''}`;
}

/**
 * The edit form for customer `c`, hidden until `open()`. `onSaved(fresh)` runs with the
 * customer as stored after a save. Returns {element, open, close, isOpen}.
 */
export function customerEditForm(c, { onSaved, onClose }) {
  const input = (field, attrs = {}) => h('input', { id: `edit-${field}`, name: field, 'data-field': field, type: 'text', autocomplete: 'off', ...attrs });
  const name = input('name', { maxlength: '200' });
  const kana = input('name_kana', { maxlength: '200' });
  const postal = input('postal_code', { inputmode: 'numeric', maxlength: '10', placeholder: '例 100-0001' });
  const prefecture = h('select', { id: 'edit-prefecture', name: 'prefecture', 'data-field': 'prefecture' }, h('option', { value: '' }, '（選択）'), PREFECTURES.map((p) => h('option', { value: p }, p)));
  const city = input('city', { maxlength: '200' });
  const address = input('address', { maxlength: '200', placeholder: '町域・番地・建物名' });
  const birth = input('birth_date', { type: 'date', min: '1900-01-01' });
  const postalHint = h('div', { class: 'hint', id: 'edit-postal-hint', 'aria-live': 'polite' });
  const choices = h('div', { class: 'postal-choices', id: 'edit-postal-choices', role: 'group', 'aria-label': '町域の選択', hidden: true, 'data-dirty-ignore': '' });
  const formError = h('div', { class: 'field-error', id: 'edit-error', hidden: true, role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'edit-save' }, '変更を保存');
  const cancel = h('button', { type: 'button', id: 'edit-cancel' }, 'やめる');
  const others = h(
    'p',
    { class: 'hint' },
    `電話番号 ${c.phones.map((p) => p.number).join('、') || '—'}／メール ${c.emails.join('、') || '—'}（この画面では変更できません）`,
  );

  const postalRow = fieldRow(LABELS.postal_code, postal, { required: true, hint: '7桁を入れると都道府県・市区町村を入れます' });
  postalRow.append(postalHint, choices);
  const form = h(
    'form',
    { class: 'customer-edit', id: 'customer-edit', 'aria-label': '登録内容の変更', hidden: true },
    h('h2', {}, '登録内容の変更'),
    h(
      'div',
      { class: 'form-grid two' },
      fieldRow(LABELS.name, name, { required: true }),
      fieldRow(LABELS.name_kana, kana, { required: true }),
      postalRow,
      fieldRow(LABELS.prefecture, prefecture, { required: true }),
      fieldRow(LABELS.city, city),
      fieldRow(LABELS.address, address, { required: true, hint: '市区町村より後（町域・番地・建物名）' }),
      fieldRow(LABELS.birth_date, birth),
    ),
    others,
    formError,
    h('div', { class: 'actions' }, save, cancel),
  );
  const dirty = trackDirty(form);

  // The town the form filled in itself: replaced when another code is typed, kept once the agent edits it.
  let filledTown = null;
  let asked = null;

  function fill(a) {
    prefecture.value = a.prefecture;
    city.value = a.city;
    if (a.town && (address.value.trim() === '' || address.value === filledTown)) {
      address.value = a.town;
      filledTown = a.town;
    }
  }

  function showChoices(found) {
    clear(choices);
    const cities = new Set(found.map((a) => `${a.prefecture}${a.city}`));
    choices.append(
      h('p', {}, `この郵便番号には${found.length}件の町域があります。選んでください。`),
      h(
        'ul',
        { class: 'choice-list' },
        found.map((a, i) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'small postal-choice',
                'data-index': String(i),
                onclick: () => {
                  fill(a);
                  choices.hidden = true;
                  postalHint.textContent = `選んだ町域: ${placeLabel(a, true)}`;
                  address.focus();
                },
              },
              placeLabel(a, cities.size > 1 || new Set(found.map((x) => x.prefecture)).size > 1),
            ),
          ),
        ),
      ),
    );
    choices.hidden = false;
  }

  async function resolvePostal() {
    const digits = postalDigits(postal.value);
    choices.hidden = true;
    if (!digits) {
      postalHint.textContent = '';
      return;
    }
    asked = digits;
    let answer;
    try {
      answer = await api.postalAddresses(digits);
    } catch {
      return;
    }
    if (asked !== digits) return; // typed on meanwhile
    const found = answer.addresses || [];
    if (!found.length) {
      postalHint.textContent = `〒${answer.postal_code} は郵便番号データ（${answer.table.data_date}）にありません。このまま保存もできます。`;
      return;
    }
    const places = new Set(found.map((a) => `${a.prefecture}\t${a.city}`));
    if (places.size === 1) {
      prefecture.value = found[0].prefecture;
      city.value = found[0].city;
    }
    if (found.length === 1) {
      fill(found[0]);
      postalHint.textContent = `〒${answer.postal_code}: ${placeLabel(found[0], true)}`;
    } else {
      postalHint.textContent = `〒${answer.postal_code}: 町域を選んでください`;
      showChoices(found);
    }
  }
  postal.addEventListener('input', resolvePostal);

  // A prefecture the code does not belong to: a quiet hint, never a refusal.
  prefecture.addEventListener('change', async () => {
    const digits = postalDigits(postal.value);
    if (!digits || !prefecture.value) return;
    try {
      const answer = await api.postalAddresses(digits);
      const prefs = [...new Set((answer.addresses || []).map((a) => a.prefecture))];
      if (prefs.length && !prefs.includes(prefecture.value)) postalHint.textContent = `〒${answer.postal_code} は${prefs.join('・')}の郵便番号です。`;
    } catch {
      // the hint is only a help
    }
  });

  /** The stored address split into 市区町村 and the rest, when it starts with the code's city. */
  async function load() {
    name.value = c.name;
    kana.value = c.name_kana;
    postal.value = c.postal_code;
    prefecture.value = PREFECTURES.includes(c.prefecture) ? c.prefecture : '';
    birth.value = c.birth_date || '';
    city.value = '';
    address.value = c.address;
    postalHint.textContent = '';
    choices.hidden = true;
    filledTown = null;
    const digits = postalDigits(c.postal_code);
    if (!digits) return;
    try {
      const answer = await api.postalAddresses(digits);
      const match = (answer.addresses || []).find((a) => c.address.startsWith(a.city));
      if (match) {
        city.value = match.city;
        address.value = c.address.slice(match.city.length);
      }
    } catch {
      // leave the address whole
    }
  }

  function changes() {
    const fields = {};
    const wanted = {
      name: name.value.trim(),
      name_kana: kana.value.trim(),
      postal_code: postal.value.trim(),
      prefecture: prefecture.value,
      address: `${city.value.trim()}${address.value.trim()}`,
      birth_date: birth.value,
    };
    const stored = { name: c.name, name_kana: c.name_kana, postal_code: c.postal_code, prefecture: c.prefecture, address: c.address, birth_date: c.birth_date || '' };
    for (const [key, value] of Object.entries(wanted)) {
      const same = key === 'postal_code' ? postalDigits(value) !== null && postalDigits(value) === postalDigits(stored[key]) : value === stored[key];
      if (!same) fields[key] = value;
    }
    return fields;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(save, async () => {
      hideError(formError);
      for (const el of form.querySelectorAll('.field-error')) hideError(el);
      markInvalid(form, null);
      const fields = changes();
      if (!Object.keys(fields).length) {
        toast('変更はありません');
        return;
      }
      try {
        const answer = await api.editCustomer(c.id, fields);
        dirty.clean();
        toast('登録内容を変更しました', 'ok');
        onSaved(answer.customer);
      } catch (error) {
        const target = markInvalid(form, error);
        const slot = target ? errorSlotOf(target) : null;
        showError(slot || formError, error, LABELS);
        if (target) target.focus();
      }
    });
  });
  cancel.addEventListener('click', () => close());

  async function open() {
    await load();
    form.hidden = false;
    name.focus();
  }

  function close() {
    form.hidden = true;
    dirty.clean();
    onClose();
  }

  return { element: form, open, close, isOpen: () => !form.hidden };
}
