// 同期: exchange changes with the other agents' installations — a shared folder, or a bundle file written or read by hand.

import { h, fieldRow, errorSlotOf, showError, hideError, busy, section } from '../dom.js';
import { runJob } from '../jobs.js';

/** One path and one button that runs a sync job; the progress and report appear under it. */
function pathForm({ id, label, hint, button, kind, title, extra }) {
  const input = h('input', { type: 'text', id, name: 'path', 'data-field': 'path', spellcheck: 'false', autocomplete: 'off' });
  const since = extra ? h('input', { type: 'text', id: `${id}-since`, name: 'since', 'data-field': 'since', spellcheck: 'false', autocomplete: 'off' }) : null;
  const go = h('button', { type: 'submit', id: `${id}-start` }, button);
  const area = h('div', { class: 'job-area', hidden: true });
  const form = h(
    'form',
    { class: 'setting-row', 'aria-label': title },
    fieldRow(label, input, { hint }),
    since ? fieldRow(extra, since, { hint: '空欄ならすべて。受け取った同期ファイルを指定すると、その送り主が持っていない変更だけを書き出します' }) : null,
    h('div', { class: 'actions' }, go),
    area,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(go, async () => {
      const slot = errorSlotOf(input);
      hideError(slot);
      const args = { kind, path: input.value.trim() };
      if (since && since.value.trim()) args.since = since.value.trim();
      try {
        await runJob(area, args, { title });
      } catch (error) {
        showError(slot, error, { path: label, since: extra || '' });
        input.focus();
        return;
      }
      go.focus();
    });
  });
  return form;
}

/** The 同期 section of 設定. */
export function syncSection() {
  return section(
    '同期（他の端末とのデータ交換）',
    h('p', { class: 'muted' }, '変更は項目ごとに新しいものが優先され、削除は編集より優先されます。同じファイルを二度取り込んでも何も変わりません。'),
    pathForm({ id: 'sync-folder', label: '共有フォルダ', hint: 'この端末の新しい変更を書き出し、他の端末の変更を取り込みます（同時に実行しても安全です）', button: '共有フォルダで同期', kind: 'sync_folder', title: '同期' }),
    pathForm({ id: 'sync-export', label: '書き出すファイル', hint: '例 /media/usb/madoguchi.mdgb', button: '書き出す', kind: 'export_bundle', title: '同期ファイルの書き出し', extra: '差分の基準（受け取った同期ファイル）' }),
    pathForm({ id: 'sync-import', label: '取り込むファイル', hint: '壊れた・途中で切れたファイルは何も書き込まずに拒否します', button: '取り込む', kind: 'import_bundle', title: '同期ファイルの取り込み' }),
  );
}
