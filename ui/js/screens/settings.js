// 設定: the agent's name, the numbering code, the documents folder and database file (chosen in dialogs), the log folder, backups and restore, sync, the issuer of each service with its seal, data tools.

import * as api from '../api.js';
import { h, section, fieldRow, errorSlotOf, showError, hideError, busy, toast, badge } from '../dom.js';
import { trackDirty } from '../dirty.js';
import { state, loadSettings, loadStatus, serviceLabel } from '../state.js';
import { SERVICE_ORDER } from '../labels.js';
import { dataForms } from './setup.js';
import { syncSection } from './sync.js';

export const help = [['Enter'], '保存'];

export async function render(main) {
  const [settings, status, backups] = await Promise.all([loadSettings(), loadStatus(), api.backups()]);

  /** One setting: a labelled input and its own 保存 button (Enter saves); unsaved typing counts as dirty. */
  function settingForm(key, label, value, hint, id) {
    const input = h('input', { type: 'text', id, name: key, 'data-field': key, autocomplete: 'off', spellcheck: 'false' });
    let saved = value || '';
    input.value = saved;
    const button = h('button', { type: 'submit' }, '保存');
    const form = h('form', { class: 'setting-row', 'aria-label': label }, fieldRow(label, input, { hint }), h('div', { class: 'actions' }, button));
    trackDirty(form, { isDirty: () => input.value.trim() !== saved.trim() });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await busy(button, async () => {
        const slot = errorSlotOf(input);
        hideError(slot);
        input.removeAttribute('aria-invalid');
        try {
          await api.setSetting(key, input.value.trim());
          saved = input.value;
          await loadSettings();
          toast(`${label}を保存しました`, 'ok');
        } catch (error) {
          input.setAttribute('aria-invalid', 'true');
          showError(slot, error, { [key]: label, value: label });
          input.focus();
        }
      });
    });
    return { form, input };
  }

  /** A file or folder the app chose (shown, not typed), with the buttons that change it. */
  function pathBlock({ id, label, value, unset = '未設定', hint, buttons = [] }) {
    const shown = h('div', { class: 'path-value', id, 'aria-labelledby': `${id}-label` });
    const note = h('p', { class: 'quiet-note', id: `${id}-note`, 'aria-live': 'polite' });
    const errorBox = h('div', { class: 'field-error', id: `${id}-error`, hidden: true, role: 'alert' });
    const set = (text) => {
      shown.textContent = text || unset;
      shown.classList.toggle('unset', !text);
    };
    set(value);
    const el = h(
      'div',
      { class: 'path-block' },
      h('span', { class: 'path-label', id: `${id}-label` }, label),
      shown,
      hint ? h('div', { class: 'hint' }, hint) : null,
      buttons.length ? h('div', { class: 'actions' }, buttons) : null,
      errorBox,
      note,
    );
    return { el, set, note, errorBox };
  }

  const agent = settingForm('agent.name', '担当者名', settings.agent_name, '通話メモ・依頼の履歴に記録されます', 'setting-agent');
  agent.input.setAttribute('data-autofocus', '');
  const installation = settingForm('numbering.installation', '採番用の端末コード', settings.installation, '半角英大文字・数字 1〜6文字。書類番号に入ります（例 RC-7F3A-000001）', 'setting-installation');

  // The documents folder: chosen in a folder dialog.
  const chooseDocs = h('button', { type: 'button', id: 'choose-documents-dir' }, '書類の保存先を選ぶ…');
  const docsDir = pathBlock({ id: 'documents-dir', label: '書類の保存フォルダ', value: settings.documents_dir, hint: '発行した PDF の保存先', buttons: [chooseDocs] });
  chooseDocs.addEventListener('click', async () => {
    await busy(chooseDocs, async () => {
      hideError(docsDir.errorBox);
      docsDir.note.textContent = '';
      try {
        const answer = await api.chooseFolder('documents');
        if (api.isCancelled(answer)) {
          docsDir.note.textContent = 'キャンセルしました';
          return;
        }
        const fresh = await loadSettings();
        await loadStatus();
        docsDir.set(fresh.documents_dir || answer.path);
        toast('書類の保存先を変更しました', 'ok');
      } catch (error) {
        showError(docsDir.errorBox, error, { path: '書類の保存フォルダ', 'documents.dir': '書類の保存フォルダ' });
      }
    });
  });

  // The database file: an existing one opened, or a new one created, through dialogs.
  const openDb = h('button', { type: 'button', id: 'db-open' }, 'データベースを開く…');
  const createDb = h('button', { type: 'button', id: 'db-create' }, '新しいデータベース…');
  const dbText = (st) => `${st.db_path}`;
  const db = pathBlock({ id: 'db-path', label: 'データベースファイル', value: dbText(status), hint: '選んだファイルは次回の起動時にも開きます', buttons: [openDb, createDb] });
  const dbCount = h('p', { class: 'muted', id: 'db-info', 'aria-live': 'polite' }, `お客様 ${Number(status.customers).toLocaleString('ja-JP')}件`);
  db.el.insertBefore(dbCount, db.el.querySelector('.hint'));
  async function switchDatabase(button, create) {
    await busy(button, async () => {
      hideError(db.errorBox);
      db.note.textContent = '';
      try {
        const fresh = await api.openDatabase(create);
        if (api.isCancelled(fresh)) {
          db.note.textContent = 'キャンセルしました';
          return;
        }
        state.status = fresh;
        state.customerId = null;
        state.customer = null;
        state.docTypes = null; // the numbering prefixes live in the database
        await loadSettings();
        db.set(dbText(fresh));
        dbCount.textContent = `お客様 ${Number(fresh.customers).toLocaleString('ja-JP')}件`;
        toast(create ? '新しいデータベースを作成しました' : 'データベースを開きました', 'ok');
      } catch (error) {
        showError(db.errorBox, error, { path: 'データベースファイル' });
      }
      button.focus();
    });
  }
  openDb.addEventListener('click', () => switchDatabase(openDb, false));
  createDb.addEventListener('click', () => switchDatabase(createDb, true));

  // The log folder: where the app writes its errors (read only).
  const logDir = settings.log_dir || status.log_dir || null;
  const log = pathBlock({ id: 'log-dir', label: 'ログの保存先', value: logDir, unset: '（記録しません）', hint: 'エラーはここに記録されます' });

  // Backups: the newest, the folder, one now, and a restore that asks once more first.
  const backupList = h('ul', { class: 'backup-list', id: 'backup-list' });
  const backupNow = h('button', { type: 'button', id: 'backup-now' }, '今すぐバックアップ');
  const backupBlock = pathBlock({ id: 'backup-dir', label: 'バックアップ', value: backups.dir, unset: '（バックアップしません）', hint: '起動時に1日1回自動で作成（7日分と4週分を保管）', buttons: backups.dir ? [backupNow] : [] });
  const lastBackup = h('p', { class: 'muted', id: 'backup-last', 'aria-live': 'polite' });
  backupBlock.el.insertBefore(lastBackup, backupBlock.el.querySelector('.hint'));
  backupBlock.el.append(backupList);
  const when = (at) => new Date(at).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' });
  function drawBackups(answer) {
    lastBackup.textContent = `最新のバックアップ: ${answer.last ? when(answer.last) : 'まだありません'}`;
    backupList.replaceChildren(
      ...answer.backups.slice(0, 11).map((b, i) => {
        const restore = h('button', { type: 'button', class: 'small', id: `backup-restore-${i}` }, 'このバックアップに戻す');
        const row = h('li', {}, h('span', { class: 'mono' }, `${when(b.at)}（${(b.bytes / 1048576).toFixed(1)} MB）`), restore);
        restore.addEventListener('click', () => confirmRestore(row, restore, b));
        return row;
      }),
    );
  }
  /** The first press asks; only 「戻す」 restores (the current database is kept aside, never deleted). */
  function confirmRestore(row, restore, b) {
    restore.hidden = true;
    const yes = h('button', { type: 'button', class: 'danger small', id: 'backup-restore-yes' }, '戻す');
    const no = h('button', { type: 'button', class: 'small ghost', id: 'backup-restore-no' }, 'やめる');
    const ask = h('span', { class: 'backup-confirm', role: 'alert' }, `${when(b.at)} の状態に戻します。今のデータベースは別名で保管されます。`, yes, no);
    row.append(ask);
    no.addEventListener('click', () => {
      ask.remove();
      restore.hidden = false;
      restore.focus();
    });
    yes.addEventListener('click', async () => {
      await busy(yes, async () => {
        hideError(backupBlock.errorBox);
        try {
          const fresh = await api.restoreBackup(b.path);
          state.status = fresh;
          state.customerId = null;
          state.customer = null;
          state.docTypes = null;
          await loadSettings();
          dbCount.textContent = `お客様 ${Number(fresh.customers).toLocaleString('ja-JP')}件`;
          backupBlock.note.textContent = `${when(b.at)} のバックアップに戻しました。この端末は新しい端末になりました: 他の端末で、送り主（設定 → 同期）の新しい指紋を信頼し直してもらってください。以前のデータベース: ${fresh.replaced}`;
          toast('バックアップに戻しました', 'ok');
          drawBackups(await api.backups());
        } catch (error) {
          showError(backupBlock.errorBox, error, { path: 'バックアップ' });
          ask.remove();
          restore.hidden = false;
        }
      });
    });
    no.focus();
  }
  drawBackups(backups);
  backupNow.addEventListener('click', async () => {
    await busy(backupNow, async () => {
      hideError(backupBlock.errorBox);
      try {
        drawBackups(await api.backupNow());
        toast('バックアップを作成しました', 'ok');
      } catch (error) {
        showError(backupBlock.errorBox, error, { path: 'バックアップ' });
      }
    });
  });

  // Issuers, one form per service.
  const issuerForms = SERVICE_ORDER.map((service) => issuerForm(service, (settings.issuers || {})[service]));

  const data = dataForms({ onFinished: () => loadStatus() });
  // The data forms keep their own autofocus off here: the agent's name comes first.
  for (const el of data.el.querySelectorAll('[data-autofocus]')) el.removeAttribute('data-autofocus');

  main.append(
    h('h1', { class: 'screen-title' }, '設定'),
    h(
      'div',
      { class: 'columns' },
      h('div', { class: 'col' }, section('担当者・書類', agent.form, installation.form, docsDir.el), section('データベース・ログ', db.el, backupBlock.el, log.el), syncSection()),
      h('div', { class: 'col' }, section('発行者（サービスごと）', h('p', { class: 'muted' }, '書類に印字される会社名・住所・電話番号・登録番号・印影です。'), ...issuerForms)),
    ),
    h('h2', { class: 'screen-subtitle' }, 'データ'),
    data.el,
    h('p', { class: 'muted version' }, `窓口 ${status.version || ''}`),
  );
  return {};
}

const ISSUER_FIELDS = [
  ['name', '名称', true],
  ['postal_code', '郵便番号', true],
  ['address', '住所', true],
  ['phone', '電話番号', true],
  ['fax', 'FAX番号', false],
  ['registration_number', '登録番号（T＋13桁）', false],
];

function issuerForm(service, initial) {
  let issuer = initial;
  const inputs = {};
  const rows = ISSUER_FIELDS.map(([key, label, required]) => {
    const input = h('input', { type: 'text', id: `issuer-${service}-${key}`, name: key, 'data-field': key, autocomplete: 'off', spellcheck: 'false' });
    input.value = (issuer && issuer[key]) || '';
    if (required) input.setAttribute('aria-required', 'true');
    inputs[key] = input;
    return fieldRow(label, input, { required });
  });
  const button = h('button', { type: 'submit' }, `${serviceLabel(service)}の発行者を保存`);
  const formError = h('div', { class: 'field-error', hidden: true, role: 'alert' });

  // The seal: an image chosen in a file dialog (set_seal, once the issuer is stored); kept or
  // removed (seal: false) when the issuer is saved.
  const sealState = h('span', { id: `issuer-${service}-seal-state` });
  const sealKeep = h('input', { type: 'checkbox', id: `issuer-${service}-seal`, name: 'seal', 'data-field': 'seal', checked: true });
  const sealKeepRow = h('span', { class: 'check-inline' }, sealKeep, h('label', { for: `issuer-${service}-seal` }, ' 書類に印影を押す'));
  const sealButton = h('button', { type: 'button', class: 'small', id: `issuer-${service}-seal-choose` }, '印影画像を選ぶ…');
  const sealNote = h('span', { class: 'quiet-note', id: `issuer-${service}-seal-note`, 'aria-live': 'polite' });
  const sealError = h('div', { class: 'field-error', id: `issuer-${service}-seal-error`, hidden: true, role: 'alert' });
  function drawSeal() {
    const has = Boolean(issuer && issuer.seal);
    sealState.replaceChildren(has ? badge('印影 登録済み', 'ok') : badge('印影なし', 'neutral'));
    sealKeepRow.hidden = !has;
    sealKeep.checked = true;
    sealButton.disabled = !issuer;
    sealButton.title = issuer ? 'PNG画像（1 MiB まで）' : '先に発行者を保存してください';
  }
  drawSeal();
  sealButton.addEventListener('click', async () => {
    await busy(sealButton, async () => {
      hideError(sealError);
      sealNote.textContent = '';
      try {
        const answer = await api.setSeal(service);
        if (api.isCancelled(answer)) {
          sealNote.textContent = 'キャンセルしました';
          return;
        }
        const fresh = await loadSettings();
        issuer = (fresh.issuers || {})[service] || issuer;
        drawSeal();
        toast(`${serviceLabel(service)}の印影を登録しました`, 'ok');
      } catch (error) {
        showError(sealError, error, { seal: '印影', path: '印影画像', file: '印影画像' });
      }
      sealButton.focus();
    });
  });
  const sealRow = h(
    'div',
    { class: 'seal-row' },
    sealState,
    sealKeepRow,
    sealButton,
    issuer ? null : h('span', { class: 'hint', id: `issuer-${service}-seal-hint` }, '発行者を保存すると印影画像を登録できます'),
    sealNote,
  );

  const form = h(
    'form',
    { class: 'issuer-form', 'aria-label': `${serviceLabel(service)}の発行者` },
    h(
      'details',
      { open: !issuer },
      h('summary', {}, serviceLabel(service), issuer ? h('span', { class: 'muted' }, `　${issuer.name}`) : h('span', { class: 'badge warn' }, '未設定')),
      h('div', { class: 'form-grid two' }, rows),
      sealRow,
      sealError,
      formError,
      h('div', { class: 'actions' }, button),
    ),
  );
  const dirty = trackDirty(form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(button, async () => {
      hideError(formError);
      for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
      const value = {};
      for (const [key, , required] of ISSUER_FIELDS) {
        const text = inputs[key].value.trim();
        if (text || required) value[key] = text;
      }
      if (issuer && issuer.seal && !sealKeep.checked) value.seal = false;
      try {
        const saved = await api.setIssuer(service, value);
        const fresh = await loadSettings();
        issuer = (fresh.issuers || {})[service] || issuer;
        dirty.clean();
        drawSeal();
        const hint = form.querySelector(`#issuer-${service}-seal-hint`);
        if (hint) hint.remove();
        toast(`${serviceLabel(service)}の発行者を保存しました`, 'ok');
        for (const old of form.querySelectorAll('.issuer-warning')) old.remove();
        for (const w of (saved && saved.warnings) || []) form.querySelector('.actions').before(h('div', { class: 'warning-box issuer-warning', role: 'note' }, w));
      } catch (error) {
        const key = error.field ? error.field.split('.').pop() : null;
        if (key && inputs[key]) {
          inputs[key].setAttribute('aria-invalid', 'true');
          inputs[key].focus();
        }
        showError(formError, error, Object.fromEntries(ISSUER_FIELDS.map(([k, l]) => [k, l])));
      }
    });
  });
  return form;
}
