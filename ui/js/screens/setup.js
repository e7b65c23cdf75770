// First start (no customers yet): offer sample data or a CSV import (the file chosen in a dialog), with progress and cancel. The same forms appear under 設定.

import { h, showError, hideError, fieldRow, errorSlotOf, busy, halfWidth } from '../dom.js';
import { state, navigate, loadStatus } from '../state.js';
import { runJob } from '../jobs.js';

export const help = [['Enter'], '実行'];

export async function render(main) {
  const status = state.status || (await loadStatus());
  const intro =
    status.customers === 0
      ? [h('h1', {}, 'はじめに'), h('p', {}, 'このデータベースにはまだお客様が登録されていません。練習用のサンプルデータを入れるか、お客様の CSV ファイルを取り込んでください。'), h('p', { class: 'muted mono' }, status.db_path)]
      : [h('h1', {}, 'データの追加'), h('p', {}, `登録済みのお客様: ${status.customers.toLocaleString('ja-JP')}件`)];
  const forms = dataForms({
    onFinished: async () => {
      const fresh = await loadStatus();
      return fresh;
    },
    showContinue: true,
  });
  main.append(h('section', { class: 'panel setup' }, ...intro), forms.el);
  return {};
}

/** The seed and import forms with their shared progress area. */
export function dataForms({ onFinished, showContinue = false }) {
  const progress = h('div', { class: 'job-area', id: 'job-area', hidden: true });
  const after = h('div', { class: 'actions', id: 'job-after' });

  const count = h('input', { type: 'text', id: 'seed-count', name: 'count', inputmode: 'numeric', value: '1000', 'data-autofocus': true, autocomplete: 'off' });
  const seedButton = h('button', { type: 'submit', class: 'primary', id: 'seed-start' }, 'サンプルデータ投入');
  const seedForm = h(
    'form',
    { class: 'panel', id: 'seed-form', 'aria-label': 'サンプルデータ投入' },
    h('h2', {}, 'サンプルデータ投入'),
    h('p', { class: 'muted' }, '架空のお客様・ご契約・注文・依頼・通話メモを作ります（練習・研修用）。'),
    fieldRow('お客様の件数', count, { hint: '1,000件で数秒です' }),
    h('div', { class: 'actions' }, seedButton),
  );

  // The CSV file is chosen in a dialog opened by Rust; the page only says how to read it.
  const skipBad = h('input', { type: 'checkbox', id: 'import-skip-bad', name: 'skip_bad', 'data-field': 'skip_bad' });
  const encoding = h(
    'select',
    { id: 'import-encoding', name: 'encoding', 'data-field': 'encoding' },
    h('option', { value: 'auto' }, '自動判定（UTF-8 / Shift_JIS）'),
    h('option', { value: 'utf-8' }, 'UTF-8'),
    h('option', { value: 'shift_jis' }, 'Shift_JIS（Excel）'),
  );
  encoding.value = 'auto';
  const importButton = h('button', { type: 'submit', id: 'import-start' }, 'CSVファイルを選んで取り込む…');
  const importError = h('div', { class: 'field-error', id: 'import-error', hidden: true, role: 'alert' });
  const importNote = h('p', { class: 'quiet-note', id: 'import-note', 'aria-live': 'polite' });
  const importForm = h(
    'form',
    { class: 'panel', id: 'import-form', 'aria-label': 'CSV取込' },
    h('h2', {}, 'お客様CSVの取り込み'),
    h('p', { class: 'muted' }, 'UTF-8 または Shift_JIS（Excel）の CSV。1行でも誤りがあれば何も書き込まず、行と項目を示します。'),
    h(
      'div',
      { class: 'import-options' },
      fieldRow('文字コード', encoding),
      h('div', { class: 'field field-check' }, skipBad, h('label', { for: 'import-skip-bad' }, '誤りのある行を飛ばして取り込む')),
    ),
    h('div', { class: 'actions' }, importButton),
    importError,
    importNote,
  );

  const seedNote = h('p', { class: 'quiet-note', id: 'seed-note', 'aria-live': 'polite' });
  seedForm.append(seedNote);

  async function run(button, args, title, errorTarget, note) {
    await busy(button, async () => {
      hideError(errorTarget);
      note.textContent = '';
      let outcome;
      try {
        outcome = await runJob(progress, args, {
          title,
          onStarted: () => {
            after.replaceChildren();
            jobPanel.hidden = false;
          },
        });
      } catch (error) {
        showError(errorTarget, error, { count: '件数', customers: '件数', file: 'CSVファイル', path: 'CSVファイル', encoding: '文字コード' });
        button.focus();
        return;
      }
      if (outcome.dialogCancelled) {
        // The agent closed the file dialog: nothing changed, what was shown stays.
        note.textContent = 'キャンセルしました';
        button.focus();
        return;
      }
      const fresh = onFinished ? await onFinished(outcome) : null;
      if (outcome.finished && !outcome.cancelled && !outcome.error && showContinue && fresh && fresh.customers > 0) {
        const go = h('button', { type: 'button', class: 'primary', id: 'job-continue' }, '検索画面へ進む');
        go.addEventListener('click', () => navigate('#/search'));
        after.append(go);
        go.focus();
      } else {
        button.focus();
      }
    });
  }

  seedForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = halfWidth(count.value.trim()).replace(/[,，]/g, '');
    const n = /^\d+$/.test(text) ? Number(text) : text;
    run(seedButton, { kind: 'seed', count: n }, 'サンプルデータ作成', errorSlotOf(count), seedNote);
  });
  importForm.addEventListener('submit', (event) => {
    event.preventDefault();
    run(importButton, { kind: 'import_customers', skip_bad: skipBad.checked, encoding: encoding.value }, 'CSV取り込み', importError, importNote);
  });

  const jobPanel = h('section', { class: 'panel job-panel', 'aria-label': '進行状況', hidden: true }, progress, after);
  const el = h('div', { class: 'data-forms' }, h('div', { class: 'columns' }, h('div', { class: 'col' }, seedForm), h('div', { class: 'col' }, importForm)), jobPanel);
  return { el };
}
