// 同期: exchange changes with the other agents' installations — a shared folder, or a bundle file written or read by hand (files and folders chosen in dialogs) — and whose signed bundles are taken (送り主).

import * as api from '../api.js';
import { h, showError, hideError, busy, section, toast, badge } from '../dom.js';
import { state, loadSettings } from '../state.js';
import { runJob } from '../jobs.js';

const LABELS = { path: 'ファイル', file: '同期ファイル', since: '差分の基準', folder: '共有フォルダ', 'sync.dir': '共有フォルダ', dir: '共有フォルダ' };

/**
 * One sync job behind one button: the progress and report appear under it; a closed dialog
 * leaves a quiet line. `args()` gives the job's arguments when the button is pressed.
 */
function jobBlock({ id, title, heading, hint, button, args, controls = [], after }) {
  const go = h('button', { type: 'submit', id: `${id}-start` }, button);
  const note = h('p', { class: 'quiet-note', id: `${id}-note`, 'aria-live': 'polite' });
  const errorBox = h('div', { class: 'field-error', id: `${id}-error`, hidden: true, role: 'alert' });
  const area = h('div', { class: 'job-area', hidden: true });
  const form = h(
    'form',
    { class: 'sync-block', id, 'aria-label': title },
    h('h3', { id: `${id}-heading` }, heading),
    hint ? h('p', { class: 'hint' }, hint) : null,
    ...controls,
    h('div', { class: 'actions' }, go),
    errorBox,
    note,
    area,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(go, async () => {
      hideError(errorBox);
      note.textContent = '';
      let outcome;
      try {
        outcome = await runJob(area, args(), { title, labels: LABELS });
      } catch (error) {
        showError(errorBox, error, LABELS);
        go.focus();
        return;
      }
      if (outcome.dialogCancelled) note.textContent = 'キャンセルしました';
      if (after) await after(outcome);
      go.focus();
    });
  });
  return form;
}

const STANDING = { trusted: ['信頼済み', 'ok'], revoked: ['取り消し済み', 'warn'], unknown: ['未確認', 'neutral'] };

/**
 * 送り主: this installation's fingerprint (read out to colleagues) and every sender, each with the
 * fingerprint to compare by phone before trusting it (a second press confirms); a trusted one can be
 * revoked the same way. `refresh()` redraws it (after a sync or an import, which may add unknown senders).
 */
function sendersBlock() {
  const own = h('p', { class: 'muted', id: 'sender-own' });
  const list = h('ul', { class: 'sender-list', id: 'sender-list' });
  const note = h('p', { class: 'quiet-note', id: 'sender-note', 'aria-live': 'polite' });
  const errorBox = h('div', { class: 'field-error', id: 'sender-error', hidden: true, role: 'alert' });
  const block = h(
    'div',
    { class: 'sync-block', id: 'senders', role: 'group', 'aria-labelledby': 'senders-heading' },
    h('h3', { id: 'senders-heading' }, '送り主（同期ファイルを受け取る端末）'),
    h('p', { class: 'hint' }, '署名された同期ファイルは、信頼した端末のものだけ取り込みます。信頼する前に、相手の端末の指紋を電話などで読み上げてもらい、同じか確かめてください。'),
    own,
    list,
    errorBox,
    note,
  );

  function draw(answer) {
    own.textContent = `この端末の指紋: ${answer.own.fingerprint}（${answer.own.name}）`;
    note.textContent = '';
    if (answer.senders.length === 0) {
      list.replaceChildren(h('li', { class: 'muted' }, 'まだ送り主はいません'));
      return;
    }
    list.replaceChildren(...answer.senders.map((sender, i) => row(sender, i)));
    if (answer.senders.some((s) => s.status === 'unknown')) {
      note.textContent = '未確認の送り主がいます。相手に指紋を読み上げてもらい、同じなら「信頼する」を押してください。';
    }
  }

  function row(sender, i) {
    const [label, kind] = STANDING[sender.status] || [sender.status, 'neutral'];
    const trusting = sender.status !== 'trusted';
    const act = h('button', { type: 'button', class: 'small', id: `sender-${i}` }, trusting ? '信頼する' : '取り消す');
    const li = h(
      'li',
      { 'data-fingerprint': sender.fingerprint },
      h('strong', {}, sender.name),
      h('code', { class: 'fingerprint' }, sender.fingerprint),
      badge(label, kind),
      act,
    );
    act.addEventListener('click', () => ask(li, act, sender, trusting));
    return li;
  }

  function ask(li, act, sender, trusting) {
    const yes = h('button', { type: 'button', class: trusting ? 'small' : 'danger small', id: 'sender-yes' }, trusting ? '信頼する' : '取り消す');
    const no = h('button', { type: 'button', class: 'small ghost', id: 'sender-no' }, 'やめる');
    const question = trusting
      ? `${sender.name} の指紋 ${sender.fingerprint} を相手に確かめましたか？`
      : `${sender.name} を取り消すと、今後この端末の同期ファイルは取り込みません（取り込み済みのデータは残ります）。`;
    const confirm = h('span', { class: 'backup-confirm', role: 'alert' }, question, yes, no);
    act.hidden = true;
    li.append(confirm);
    yes.focus();
    no.addEventListener('click', () => {
      confirm.remove();
      act.hidden = false;
      act.focus();
    });
    yes.addEventListener('click', async () => {
      await busy(yes, async () => {
        hideError(errorBox);
        note.textContent = '';
        try {
          draw(trusting ? await api.trustSender(sender.fingerprint) : await api.revokeSender(sender.fingerprint));
          note.textContent = trusting ? `${sender.name} を信頼しました。同期をもう一度実行してください。` : `${sender.name} を取り消しました`;
          toast(trusting ? '送り主を信頼しました' : '送り主を取り消しました', 'ok');
          const again = list.querySelector(`li[data-fingerprint="${sender.fingerprint}"] button`);
          if (again) again.focus();
        } catch (error) {
          showError(errorBox, error, { fingerprint: '指紋' });
        }
      });
    });
  }

  async function refresh() {
    try {
      draw(await api.senders());
    } catch (error) {
      showError(errorBox, error, { fingerprint: '指紋' });
    }
  }
  refresh();
  return { el: block, refresh };
}

/** The 同期 section of 設定. */
export function syncSection() {
  const senders = sendersBlock();
  // The shared folder: shown, chosen in a folder dialog; a sync without one asks for it.
  const dirValue = h('div', { class: 'path-value', id: 'sync-dir' });
  function showDir() {
    const dir = state.settings && state.settings.sync_dir;
    dirValue.textContent = dir || '未設定';
    dirValue.classList.toggle('unset', !dir);
  }
  showDir();
  const choose = h('button', { type: 'button', id: 'sync-choose' }, '共有フォルダを選ぶ…');
  const chooseNote = h('p', { class: 'quiet-note', id: 'sync-choose-note', 'aria-live': 'polite' });
  const chooseError = h('div', { class: 'field-error', id: 'sync-choose-error', hidden: true, role: 'alert' });
  choose.addEventListener('click', async () => {
    await busy(choose, async () => {
      hideError(chooseError);
      chooseNote.textContent = '';
      try {
        const answer = await api.chooseFolder('sync');
        if (api.isCancelled(answer)) {
          chooseNote.textContent = 'キャンセルしました';
          return;
        }
        await loadSettings();
        showDir();
        toast('共有フォルダを設定しました', 'ok');
      } catch (error) {
        showError(chooseError, error, LABELS);
      }
    });
  });

  const folder = jobBlock({
    id: 'sync-folder',
    title: '同期',
    heading: '共有フォルダ',
    hint: 'この端末の新しい変更を書き出し、他の端末の変更を取り込みます（同時に実行しても安全です）',
    button: '共有フォルダで同期',
    args: () => ({ kind: 'sync_folder' }),
    controls: [
      h('div', { class: 'path-block' }, dirValue, h('div', { class: 'actions' }, choose), chooseError, chooseNote),
    ],
    // A sync without a folder asked for one: show what was chosen; its bundles may name new senders.
    after: async () => {
      try {
        await loadSettings();
      } catch {
        // The folder line keeps what it showed.
      }
      showDir();
      await senders.refresh();
    },
  });
  dirValue.setAttribute('aria-labelledby', 'sync-folder-heading');

  const since = h('input', { type: 'checkbox', id: 'sync-export-since', name: 'since' });
  const exportBlock = jobBlock({
    id: 'sync-export',
    title: '同期ファイルの書き出し',
    heading: '同期ファイルを書き出す',
    hint: '保存先を選ぶと、この端末のデータを同期ファイル（.mdgb）に書き出します',
    button: '書き出す…',
    args: () => (since.checked ? { kind: 'export_bundle', since: true } : { kind: 'export_bundle' }),
    controls: [
      h(
        'div',
        { class: 'field field-check' },
        since,
        h('label', { for: 'sync-export-since' }, '受け取った同期ファイルとの差分だけ'),
      ),
      h('p', { class: 'hint' }, '先に受け取った同期ファイルを選び、その送り主が持っていない変更だけを書き出します'),
    ],
  });

  const importBlock = jobBlock({
    id: 'sync-import',
    title: '同期ファイルの取り込み',
    heading: '同期ファイルを取り込む',
    hint: '壊れた・途中で切れたファイルは何も書き込まずに拒否します',
    button: '同期ファイルを取り込む…',
    args: () => ({ kind: 'import_bundle' }),
    after: () => senders.refresh(),
  });

  return section(
    '同期（他の端末とのデータ交換）',
    h('p', { class: 'muted' }, '変更は項目ごとに新しいものが優先され、削除は編集より優先されます。同じファイルを二度取り込んでも何も変わりません。'),
    folder,
    exportBlock,
    importBlock,
    senders.el,
  );
}
