// Small DOM helpers shared by the screens: element building, formatting of yen and dates, errors next to fields, toasts.
// No money arithmetic happens here: yen strings are only given thousands separators.

import { describeError } from './labels.js';

/** h('div', {class: 'x', onclick: fn}, child, 'text', [children]) → an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value') {
      el.value = value;
    } else if (key === 'checked' || key === 'selected' || key === 'disabled') {
      el[key] = Boolean(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let uid = 0;
/** A fresh element id with a readable prefix. */
export function newId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** "15000" → "15,000"; "-3300" → "-3,300". Text formatting only. */
export function yen(value) {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const m = /^(-?)(\d+)$/.exec(text);
  if (!m) return text;
  return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function yenText(value) {
  const y = yen(value);
  return y === '' ? '' : `${y}円`;
}

const WEEKDAYS = ['日', '月', '火', '水', '木', '金', '土'];

/** "2026-11-20" → "2026年11月20日(金)"; a moment also gets its time; a month "2026-12" → "2026年12月". */
export function jpDate(value) {
  if (!value) return '';
  const text = String(value);
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text);
  if (m) {
    const [, y, mo, d, hh, mm] = m;
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDay();
    const base = `${y}年${Number(mo)}月${Number(d)}日(${WEEKDAYS[day]})`;
    return hh ? `${base} ${hh}:${mm}` : base;
  }
  m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) return `${m[1]}年${Number(m[2])}月`;
  return text;
}

/** A short moment: "2026-11-20T10:00:00+09:00" → "2026-11-20 10:00". */
export function shortMoment(value) {
  if (!value) return '';
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(String(value));
  return m ? `${m[1]} ${m[2]}` : String(value);
}

/** Full-width digits and hyphens to ASCII, for the few client checks (the API normalizes the rest). */
export function halfWidth(text) {
  return String(text)
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[－ー―‐−]/g, '-');
}

/** Shows an API error next to a field (or in a form-level box); returns the Japanese text. */
export function showError(target, error, extraLabels) {
  const d = describeError(error, extraLabels);
  if (!target) return d.text;
  clear(target);
  target.hidden = false;
  target.classList.add('error-box');
  target.appendChild(h('span', { class: 'error-main' }, d.text));
  if (d.original) target.appendChild(h('span', { class: 'error-original', lang: 'en' }, d.original));
  return d.text;
}

export function hideError(target) {
  if (!target) return;
  clear(target);
  target.hidden = true;
}

/** Marks the input a failed field names, and tells its error box. */
export function markInvalid(form, error) {
  if (!form) return null;
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  if (!error || !error.field) return null;
  const input = form.querySelector(`[data-field="${cssEscape(error.field)}"]`) || form.querySelector(`[name="${cssEscape(error.field)}"]`);
  if (input) input.setAttribute('aria-invalid', 'true');
  return input;
}

export function cssEscape(text) {
  return window.CSS && CSS.escape ? CSS.escape(text) : String(text).replace(/["\\]/g, '\\$&');
}

let toastTimer = null;
/** A short message at the bottom right (also read by screen readers). */
export function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.className = `toast show ${kind}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.className = 'toast';
  }, 4000);
}

/** A labelled input row: <label> + control + optional hint + error slot. */
export function fieldRow(labelText, control, { hint, required, id } = {}) {
  const controlId = control.id || id || newId('f');
  control.id = controlId;
  const errorId = `${controlId}-error`;
  const errorBox = h('div', { class: 'field-error', id: errorId, hidden: true, role: 'alert' });
  control.setAttribute('aria-describedby', errorId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: controlId }, labelText, required ? h('span', { class: 'req', 'aria-label': '必須' }, '＊') : null),
    control,
    hint ? h('div', { class: 'hint' }, hint) : null,
    errorBox,
  );
}

/** The error slot of a control built by fieldRow. */
export function errorSlotOf(control) {
  return control ? document.getElementById(`${control.id}-error`) : null;
}

/** A table from rows; columns are [header, row => cell, className?]. */
export function table(columns, rows, { caption, empty = 'ありません', rowAttrs } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'grid' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(([head, , cls]) => h('th', { scope: 'col', class: cls }, head)))),
    h(
      'tbody',
      {},
      rows.map((row, i) => h('tr', rowAttrs ? rowAttrs(row, i) : {}, columns.map(([, cell, cls]) => h('td', { class: cls }, cell(row, i))))),
    ),
  );
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge ${kind}` }, text);
}

/** A section with a heading (h2) and content. */
export function section(title, ...content) {
  const headingId = newId('sec');
  return h('section', { class: 'panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), ...content);
}

/** Runs fn once at a time per button (a double Enter does not send twice); the button keeps its focus. */
const running = new WeakSet();
export async function busy(button, fn) {
  if (button) {
    if (running.has(button)) return undefined;
    running.add(button);
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await fn();
  } finally {
    if (button) {
      running.delete(button);
      button.removeAttribute('aria-busy');
    }
  }
}
