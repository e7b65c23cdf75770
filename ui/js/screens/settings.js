// 設定: the agent's name, the numbering code, the documents folder, the database file, sync, the issuer of each service, data tools.

import * as api from '../api.js';
import { h, section, fieldRow, errorSlotOf, showError, hideError, busy, toast } from '../dom.js';
import { state, loadSettings, loadStatus, serviceLabel } from '../state.js';
import { SERVICE_ORDER } from '../labels.js';
import { dataForms } from './setup.js';
import { syncSection } from './sync.js';

export const help = [['Enter'], '保存'];

export async function render(main) {
  const [settings, status] = await Promise.all([loadSettings(), loadStatus()]);

  /** One setting: a labelled input and its own 保存 button (Enter saves). */
  function settingForm(key, label, value, hint, id) {
    const input = h('input', { type: 'text', id, name: key, 'data-field': key, autocomplete: 'off', spellcheck: 'false' });
    input.value = value || '';
    const button = h('button', { type: 'submit' }, '保存');
    const form = h('form', { class: 'setting-row', 'aria-label': label }, fieldRow(label, input, { hint }), h('div', { class: 'actions' }, button));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await busy(button, async () => {
        const slot = errorSlotOf(input);
        hideError(slot);
        input.removeAttribute('aria-invalid');
        try {
          await api.setSetting(key, input.value.trim());
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

  const agent = settingForm('agent.name', '担当者名', settings.agent_name, '通話メモ・依頼の履歴に記録されます', 'setting-agent');
  agent.input.setAttribute('data-autofocus', '');
  const installation = settingForm('numbering.installation', '採番用の端末コード', settings.installation, '半角英大文字・数字 1〜6文字。書類番号に入ります（例 RC-7F3A-000001）', 'setting-installation');
  const docsDir = settingForm('documents.dir', '書類の保存フォルダ', settings.documents_dir, '発行した PDF の保存先', 'setting-documents-dir');

  // The database file.
  const dbPath = h('input', { type: 'text', id: 'setting-db-path', name: 'path', 'data-field': 'path', autocomplete: 'off', spellcheck: 'false' });
  dbPath.value = status.db_path || '';
  const dbButton = h('button', { type: 'submit' }, 'このデータベースを開く');
  const dbInfo = h('p', { class: 'muted', id: 'db-info', 'aria-live': 'polite' }, `現在: ${status.db_path}（お客様 ${Number(status.customers).toLocaleString('ja-JP')}件）`);
  const dbForm = h('form', { class: 'setting-row', 'aria-label': 'データベース' }, fieldRow('データベースファイル', dbPath, { hint: 'なければ作成します。次回の起動時もこのファイルを開きます' }), h('div', { class: 'actions' }, dbButton), dbInfo);
  dbForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(dbButton, async () => {
      const slot = errorSlotOf(dbPath);
      hideError(slot);
      try {
        const fresh = await api.openDatabase(dbPath.value.trim());
        state.status = fresh;
        state.customerId = null;
        state.customer = null;
        await loadSettings();
        dbInfo.textContent = `現在: ${fresh.db_path}（お客様 ${Number(fresh.customers).toLocaleString('ja-JP')}件）`;
        toast('データベースを開きました', 'ok');
      } catch (error) {
        showError(slot, error, { path: 'データベースファイル' });
        dbPath.focus();
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
      h('div', { class: 'col' }, section('担当者・書類', agent.form, installation.form, docsDir.form), section('データベース', dbForm), syncSection()),
      h('div', { class: 'col' }, section('発行者（サービスごと）', h('p', { class: 'muted' }, '書類に印字される会社名・住所・電話番号・登録番号です。'), ...issuerForms)),
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

function issuerForm(service, issuer) {
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
  const form = h(
    'form',
    { class: 'issuer-form', 'aria-label': `${serviceLabel(service)}の発行者` },
    h('details', { open: !issuer }, h('summary', {}, serviceLabel(service), issuer ? h('span', { class: 'muted' }, `　${issuer.name}`) : h('span', { class: 'badge warn' }, '未設定')), h('div', { class: 'form-grid two' }, rows), formError, h('div', { class: 'actions' }, button)),
  );
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
      try {
        await api.setIssuer(service, value);
        await loadSettings();
        toast(`${serviceLabel(service)}の発行者を保存しました`, 'ok');
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
