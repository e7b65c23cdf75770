// Forms generated from field declarations (quote kinds, request types): one control per field type, values read back as JSON.

import { h, fieldRow, halfWidth, showError, hideError, errorSlotOf, cssEscape } from './dom.js';

const PLACEHOLDER = {
  date: 'YYYY-MM-DD',
  date_or_null: 'YYYY-MM-DD（なければ空欄）',
  month: 'YYYY-MM',
  moment: 'YYYY-MM-DD HH:MM',
  yen: '円（半角数字）',
  count: '1',
  country: 'JP',
};

/** A field as quote_kinds and request_types declare it, in one shape: {name, type, required, default, choices: [{value, label}], label}. */
export function normalizeField(raw) {
  return { name: raw.name, type: raw.type, required: raw.required, default: raw.default ?? null, choices: raw.choices ?? [], label: raw.label };
}

/**
 * Builds the control of one field. Returns {row, control, field, read(), set(value)}; read() gives
 * the JSON value, or undefined for an optional field left empty.
 */
export function buildField(rawField, { idPrefix = 'f', asString = false } = {}) {
  const field = normalizeField(rawField);
  const id = `${idPrefix}-${field.name}`;
  let control;
  if (field.type === 'choice') {
    control = h('select', { id, name: field.name, 'data-field': field.name });
    if (!field.required) {
      const fallback = field.choices.find((c) => c.value === field.default);
      const def = field.default ? `（既定: ${fallback ? fallback.label : field.default}）` : '（指定なし）';
      control.append(h('option', { value: '' }, def));
    } else {
      control.append(h('option', { value: '' }, '選択してください'));
    }
    for (const c of field.choices) control.append(h('option', { value: c.value }, c.label));
  } else if (field.type === 'bool') {
    control = h('input', { id, name: field.name, type: 'checkbox', 'data-field': field.name, checked: field.default === 'true' || field.default === true });
  } else {
    control = h('input', {
      id,
      name: field.name,
      // A secret (a password to check) is masked and never remembered by the webview.
      type: field.type === 'secret' ? 'password' : 'text',
      'data-field': field.name,
      autocomplete: field.type === 'secret' ? 'new-password' : 'off',
      spellcheck: 'false',
      inputmode: ['yen', 'count'].includes(field.type) ? 'numeric' : null,
      placeholder: PLACEHOLDER[field.type] || '',
      class: `t-${field.type}`,
    });
  }
  if (field.required) control.setAttribute('aria-required', 'true');
  let hint = null;
  if (!field.required && field.default !== null && field.default !== undefined && field.type !== 'choice' && field.type !== 'bool') {
    hint = `空欄なら ${defaultText(field)}`;
  }
  const row = fieldRow(field.label, control, { hint, required: field.required });
  if (field.type === 'bool') row.classList.add('field-check');

  function read() {
    if (field.type === 'bool') return control.checked;
    const raw = control.value.trim();
    if (raw === '') return field.type === 'date_or_null' && field.required ? null : undefined;
    if (asString) return normalizeText(field.type, raw);
    switch (field.type) {
      case 'count': {
        const text = halfWidth(raw).replace(/[,，台件回]/g, '');
        return /^\d+$/.test(text) ? Number(text) : text;
      }
      default:
        return normalizeText(field.type, raw);
    }
  }

  function set(value) {
    if (value === undefined) return;
    if (field.type === 'bool') control.checked = Boolean(value);
    else control.value = value === null ? '' : String(value);
  }

  return { row, control, field, read, set };
}

function defaultText(field) {
  switch (field.default) {
    case 'now':
      return '現在の日時';
    case 'null':
      return '未定（なし）';
    case 'tariff':
      return '料金表の額';
    case 'start_date':
      return '利用開始日と同じ';
    default:
      return String(field.default);
  }
}

/** Full-width digits, hyphens and separators typed by habit, turned into what the API parses. */
function normalizeText(type, raw) {
  switch (type) {
    case 'date':
    case 'date_or_null':
    case 'month':
      return halfWidth(raw).replace(/[/.年月]/g, '-').replace(/日$/, '').replace(/-+$/, '').replace(/\b(\d)\b/g, '0$1');
    case 'yen':
      return halfWidth(raw).replace(/[,，円¥￥\s]/g, '');
    case 'count':
      return halfWidth(raw).replace(/[,，台件回]/g, '');
    case 'country':
      return raw.toUpperCase();
    case 'moment':
      return toMoment(halfWidth(raw));
    default:
      return raw;
  }
}

/** "2026-11-20 10:00" → "2026-11-20T10:00:00+09:00" (Japan time); an RFC 3339 moment is kept. */
export function toMoment(text) {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (m) return `${m[1]}T${m[2]}:${m[3]}:${m[4] || '00'}+09:00`;
  return text.trim();
}

/** Reads every control into an object, leaving out optional empty ones. */
export function readAll(controls) {
  const out = {};
  for (const c of controls) {
    const value = c.read();
    if (value !== undefined) out[c.field.name] = value;
  }
  return out;
}

/** Shows an API error at the control it names, else in the form's own box; focuses that control. */
export function showFieldError(form, controls, formError, error, extraLabels = {}) {
  clearFieldErrors(form, controls, formError);
  const name = error && error.field;
  const hit = name ? controls.find((c) => c.field.name === name) : null;
  const labels = { ...extraLabels };
  for (const c of controls) labels[c.field.name] = c.field.label;
  if (hit) {
    hit.control.setAttribute('aria-invalid', 'true');
    showError(errorSlotOf(hit.control), error, labels);
    hit.control.focus();
  } else {
    const el = name && form ? form.querySelector(`[data-field="${cssEscape(name)}"]`) : null;
    if (el) el.setAttribute('aria-invalid', 'true');
    showError(formError, error, labels);
    if (el) el.focus();
  }
}

export function clearFieldErrors(form, controls, formError) {
  for (const c of controls) {
    c.control.removeAttribute('aria-invalid');
    hideError(errorSlotOf(c.control));
  }
  if (form) for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  hideError(formError);
}
