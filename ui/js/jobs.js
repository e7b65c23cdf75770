// Long jobs (sample data, CSV import, sync): start (an import or export asks for its file first), a progress bar polled from `job`, a cancel button, the outcome.

import * as api from './api.js';
import { h, clear, showError } from './dom.js';
import { fieldLabel } from './labels.js';

const POLL_MS = 200;

const RESULT_LABELS = {
  customers: 'お客様',
  orders: '注文',
  documents: '書類',
  requests: '依頼',
  notes: '通話メモ',
  rows: '行数',
  created: '新規',
  updated: '更新',
  unchanged: '変更なし',
  encoding: '文字コード',
  bad_rows: '誤りのある行',
  skipped: '飛ばした行',
  changes: '変更',
  tombstones: '削除',
  applied: '適用',
  already_known: '取込済み',
  pending: '保留（親の行待ち）',
  path: 'ファイル',
  source: '送り主の端末',
  bundle: '同期ファイル',
  folder: '共有フォルダ',
  file: 'ファイル',
  installation: 'この端末',
  doc_code: '書類番号の端末コード',
  pushed: 'ハブに送った変更',
};

/**
 * Runs one job inside `container`: progress bar, counts, キャンセル (focused while it runs).
 * Starting may open a file dialog in Rust; when the agent closes it, nothing is drawn and the
 * answer is {dialogCancelled: true} (the container keeps what it showed). `onStarted` runs
 * once the job exists, before its progress is drawn. Resolves to the job's last state
 * ({finished, cancelled, result, error}), or throws an ApiError when the job cannot start.
 */
export async function runJob(container, args, { title = '処理中', onStarted, labels = { file: 'CSVファイル' } } = {}) {
  const started = await api.startJob(args);
  if (api.isCancelled(started)) return { dialogCancelled: true, finished: false, cancelled: false, result: null, error: null };
  const { job } = started;
  if (onStarted) onStarted(started);

  clear(container);
  const bar = h('progress', { id: 'job-progress', max: '100', value: '0', 'aria-label': title });
  const counts = h('span', { class: 'job-counts', id: 'job-counts' }, '準備中…');
  const cancel = h('button', { type: 'button', class: 'danger', id: 'job-cancel' }, 'キャンセル');
  const outcome = h('div', { class: 'job-outcome', id: 'job-outcome', 'aria-live': 'polite' });
  const heading = h('div', { class: 'job-title' }, title);
  container.append(h('div', { class: 'job', role: 'group', 'aria-label': title }, heading, bar, counts, h('div', { class: 'actions' }, cancel), outcome));
  container.hidden = false;

  cancel.focus();
  let cancelling = false;
  cancel.addEventListener('click', async () => {
    if (cancelling) return;
    cancelling = true;
    cancel.textContent = 'キャンセルしています…';
    try {
      await api.cancelJob(job);
    } catch (error) {
      showError(outcome, error);
    }
  });

  for (;;) {
    let s;
    try {
      s = await api.job(job);
    } catch (error) {
      showError(outcome, error);
      cancel.remove();
      return { finished: true, cancelled: false, error };
    }
    const total = Number(s.total) || 0;
    const done = Number(s.done) || 0;
    if (total > 0) {
      bar.max = total;
      bar.value = Math.min(done, total);
      counts.textContent = `${done.toLocaleString('ja-JP')} / ${total.toLocaleString('ja-JP')} 件`;
    } else {
      bar.removeAttribute('value');
      counts.textContent = `${done.toLocaleString('ja-JP')} 件`;
    }
    if (s.finished || s.cancelled || s.error) {
      cancel.remove();
      heading.textContent = s.cancelled ? `${title}（キャンセル）` : s.error ? `${title}（失敗）` : `${title}（完了）`;
      if (!total) {
        // An import counts rows without knowing the total: a full bar once it is over.
        bar.max = 1;
        bar.value = s.cancelled || s.error ? 0 : 1;
      }
      drawOutcome(outcome, s, labels);
      outcome.scrollIntoView({ block: 'nearest' });
      return s;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function drawOutcome(box, s, labels) {
  clear(box);
  const r = s.result && typeof s.result === 'object' ? s.result : null;
  if (s.cancelled) {
    box.className = 'job-outcome warn';
    box.append(h('p', {}, 'キャンセルしました。データは何も書き込まれていません。'));
    return;
  }
  if (s.error) {
    box.className = 'job-outcome';
    const message = h('div', { class: 'error-box', role: 'alert' });
    showError(message, typeof s.error === 'object' ? s.error : { code: 'failed', message: String(s.error) }, labels);
    box.append(message);
  } else {
    box.className = 'job-outcome ok';
    box.append(h('p', {}, '完了しました。'));
  }
  if (r) {
    const items = Object.entries(r).filter(([, v]) => typeof v === 'number' || typeof v === 'string');
    if (items.length) {
      box.append(h('dl', { class: 'facts' }, items.flatMap(([k, v]) => [h('dt', {}, RESULT_LABELS[k] || k), h('dd', {}, typeof v === 'number' ? v.toLocaleString('ja-JP') : v)])));
    }
    if (r.snapshot === true) box.append(h('p', {}, '新しい端末用のスナップショットです（各データの今の状態だけ）。新しい端末の「同期ファイルを取り込む」で読み込みます。'));
    const reports = Array.isArray(r.imported) ? r.imported.map((i) => i.report) : r.conflicts ? [r] : [];
    if (r.exported !== undefined) {
      box.append(h('p', {}, r.exported ? `書き出し: ${r.exported.file}（${Number(r.exported.changes).toLocaleString('ja-JP')}件）` : '書き出し: 新しい変更はありません'));
      box.append(h('p', {}, `取り込み: ${r.imported.length}ファイル`));
      for (const f of r.failed || []) box.append(h('p', { class: 'error-box', role: 'alert' }, `拒否: ${f.file} — `, h('span', { lang: 'en' }, f.error)));
    }
    // A hub sync: what came from each other installation.
    for (const p of Array.isArray(r.pulled) ? r.pulled : []) {
      box.append(h('p', {}, `受け取り（端末 ${p.origin}）: ${Number(p.applied).toLocaleString('ja-JP')}件、取込済み ${Number(p.already_known).toLocaleString('ja-JP')}件、競合 ${p.conflicts}件`));
    }
    if (Array.isArray(r.pulled) && r.pulled.length === 0) box.append(h('p', {}, '受け取り: 新しい変更はありません'));
    const conflicts = reports.flatMap((report) => report.conflicts || []);
    if (conflicts.length) {
      const show = (v) => (v === null ? '（削除）' : typeof v === 'object' ? JSON.stringify(v) : String(v));
      box.append(
        h('p', {}, `競合: ${conflicts.length}件（両方の値を表示します。新しい方を残しました）`),
        h(
          'table',
          { class: 'grid sync-conflicts' },
          h('thead', {}, h('tr', {}, h('th', {}, '表'), h('th', {}, '項目'), h('th', {}, '残した値'), h('th', {}, '捨てた値'))),
          h('tbody', {}, conflicts.slice(0, 100).map((c) => h('tr', {}, h('td', {}, c.table), h('td', {}, c.field === '*' ? '削除と編集' : fieldLabel(c.field)), h('td', {}, show(c.kept.value)), h('td', {}, show(c.discarded.value))))),
        ),
      );
    }
    if (Array.isArray(r.errors) && r.errors.length) {
      box.append(
        h('p', {}, `誤りのある行: ${r.bad_rows}件${r.written === false ? '（何も書き込んでいません）' : ''}`),
        h(
          'table',
          { class: 'grid import-errors' },
          h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, '項目'), h('th', {}, '内容'))),
          h(
            'tbody',
            {},
            r.errors.slice(0, 100).map((e) => h('tr', {}, h('td', { class: 'num' }, e.line), h('td', {}, fieldLabel(e.field)), h('td', { lang: 'en' }, e.message))),
          ),
        ),
      );
    }
    // Warnings: rows taken as they are but worth a look (a postal code not Japan Post's, or of another prefecture).
    if (Array.isArray(r.warnings) && r.warnings.length) {
      box.append(
        h('p', {}, `確認が必要な行: ${r.warning_count}件${r.written ? '（取り込みました）' : ''}`),
        h(
          'table',
          { class: 'grid import-warnings' },
          h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, '項目'), h('th', {}, '内容'))),
          h(
            'tbody',
            {},
            r.warnings
              .slice(0, 100)
              .map((w) => h('tr', {}, h('td', { class: 'num' }, w.line), h('td', {}, fieldLabel(w.field)), h('td', {}, w.message_ja, ' ', h('span', { class: 'error-original', lang: 'en' }, w.message)))),
          ),
        ),
      );
    }
    // 名寄せ: rows likely the same person as another customer; nothing was merged (顧客 → 名寄せ merges).
    if (Array.isArray(r.duplicates) && r.duplicates.length) {
      box.append(
        h('p', {}, `同一人物の可能性がある顧客: ${r.duplicate_count}組（統合はしていません。顧客画面の「名寄せ」で統合できます）`),
        h(
          'table',
          { class: 'grid import-duplicates' },
          h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, 'お客様番号'), h('th', {}, '既存の顧客'), h('th', {}, '一致'))),
          h(
            'tbody',
            {},
            r.duplicates
              .slice(0, 100)
              .map((d) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, d.line),
                  h('td', {}, d.customer_number),
                  h('td', {}, d.other.name, ' ', h('span', { class: 'muted' }, (d.other.accounts || []).map((a) => a.customer_number).join('・'))),
                  h('td', {}, d.reason_ja),
                ),
              ),
          ),
        ),
      );
    }
  }
}
