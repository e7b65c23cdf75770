// First start (no customers yet): offer sample data or a CSV import, with progress and cancel. The same forms appear under 設定.

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

  const path = h('input', { type: 'text', id: 'import-path', name: 'path', spellcheck: 'false', autocomplete: 'off', placeholder: '/home/agent/customers.csv' });
  const importButton = h('button', { type: 'submit', id: 'import-start' }, 'CSVを取り込む');
  const importForm = h(
    'form',
    { class: 'panel', id: 'import-form', 'aria-label': 'CSV取込' },
    h('h2', {}, 'お客様CSVの取り込み'),
    h('p', { class: 'muted' }, 'UTF-8 または Shift_JIS（Excel）の CSV。1行でも誤りがあれば何も書き込まず、行と項目を示します。'),
    fieldRow('CSVファイルのパス', path),
    h('div', { class: 'actions' }, importButton),
  );

  async function run(button, args, title, errorTarget) {
    await busy(button, async () => {
      hideError(errorTarget);
      progress.replaceChildren();
      after.replaceChildren();
      jobPanel.hidden = false;
      let outcome;
      try {
        outcome = await runJob(progress, args, { title });
      } catch (error) {
        showError(errorTarget, error, { count: '件数', customers: '件数', path: 'CSVファイルのパス' });
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
    run(seedButton, { kind: 'seed', count: n }, 'サンプルデータ作成', errorSlotOf(count));
  });
  importForm.addEventListener('submit', (event) => {
    event.preventDefault();
    run(importButton, { kind: 'import_customers', path: path.value.trim() }, 'CSV取り込み', errorSlotOf(path));
  });

  const jobPanel = h('section', { class: 'panel job-panel', 'aria-label': '進行状況', hidden: true }, progress, after);
  const el = h('div', { class: 'data-forms' }, h('div', { class: 'columns' }, h('div', { class: 'col' }, seedForm), h('div', { class: 'col' }, importForm)), jobPanel);
  return { el };
}
