// 同期: exchange changes with the other agents' installations — the office's hub (PostgreSQL), a shared folder, or a bundle file written or read by hand (files and folders chosen in dialogs) — and whose signed bundles are taken (送り主).

import * as api from '../api.js';
import { h, showError, hideError, busy, section, toast, badge } from '../dom.js';
import { state, loadSettings } from '../state.js';
import { runJob } from '../jobs.js';

const LABELS = {
  path: 'ファイル',
  file: '同期ファイル',
  since: '差分の基準',
  folder: '共有フォルダ',
  'sync.dir': '共有フォルダ',
  dir: '共有フォルダ',
  'sync.hub': 'ハブのURL',
  'sync.hub.every': '自動同期',
  url: 'ハブのURL',
  password: 'パスワード',
  keychain: 'キーチェーン',
  hub: 'ハブ',
  tls: 'TLS',
};

/** The timer's choices, in minutes (0: none). */
const EVERY = [
  [0, 'しない'],
  [15, '15分ごと'],
  [30, '30分ごと'],
  [60, '1時間ごと'],
];

/** "2026年12月4日 14:05" of a moment, in Japan time. */
function shownMoment(moment) {
  return new Date(moment).toLocaleString('ja-JP', { timeZone: 'Asia/Tokyo', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

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

/**
 * ハブ: the office's PostgreSQL hub — its URL (a setting), the password (kept in the operating
 * system's keychain by Rust, never shown again), a connection test, the last sync, 今すぐ同期 and
 * the timer. `after()` runs once a sync ends.
 */
function hubBlock(after) {
  const settings = () => state.settings || {};
  const url = h('input', { type: 'text', id: 'hub-url', name: 'sync.hub', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'postgres://mdg_office_…@hub.example.jp/office?sslmode=require' });
  const saveUrl = h('button', { type: 'button', id: 'hub-url-save' }, 'URLを保存');
  const password = h('input', { type: 'password', id: 'hub-password', name: 'password', autocomplete: 'new-password' });
  const savePassword = h('button', { type: 'button', id: 'hub-password-save' }, 'キーチェーンに保存');
  const check = h('button', { type: 'button', id: 'hub-check' }, '接続を確かめる');
  const every = h('select', { id: 'hub-every', name: 'sync.hub.every' }, EVERY.map(([minutes, label]) => h('option', { value: String(minutes) }, label)));
  const last = h('p', { class: 'muted', id: 'hub-last' });
  const note = h('p', { class: 'quiet-note', id: 'hub-note', 'aria-live': 'polite' });
  const errorBox = h('div', { class: 'field-error', id: 'hub-error', hidden: true, role: 'alert' });

  /** The stored values; the URL box only when asked (after its own save), never over what the agent is typing. */
  function draw({ withUrl = false } = {}) {
    if (withUrl) url.value = settings().sync_hub || '';
    const minutes = Number(settings().sync_hub_every) || 0;
    // A timer set elsewhere (5–1440 minutes) is shown as it is.
    if (![...every.options].some((o) => Number(o.value) === minutes)) every.append(h('option', { value: String(minutes) }, `${minutes}分ごと`));
    every.value = String(minutes);
    last.textContent = settings().sync_hub_last ? `前回のハブ同期: ${shownMoment(settings().sync_hub_last)}` : 'ハブとはまだ同期していません';
  }

  /** Runs one change of the block: errors under it, a note on success, the settings reloaded. */
  async function act(button, work, done, redraw = {}) {
    await busy(button, async () => {
      hideError(errorBox);
      note.textContent = '';
      try {
        const answer = await work();
        await loadSettings();
        draw(redraw);
        note.textContent = done(answer);
      } catch (error) {
        showError(errorBox, error, LABELS);
      }
    });
  }
  const storeUrl = () =>
    act(
      saveUrl,
      async () => {
        await api.setSetting('sync.hub', url.value.trim());
        return true;
      },
      () => 'ハブのURLを保存しました',
      { withUrl: true },
    );
  // The password goes with the URL saved: one typed but not saved yet would file it under another hub.
  const storePassword = () => {
    if (url.value.trim() !== (settings().sync_hub || '')) {
      hideError(errorBox);
      note.textContent = 'パスワードは保存したURLのハブのものとして保存します。先に「URLを保存」を押してください';
      return undefined;
    }
    return act(
      savePassword,
      async () => {
        const given = password.value;
        await api.saveHubPassword(given);
        password.value = '';
        return given;
      },
      (given) => (given ? 'パスワードをこのPCのキーチェーンに保存しました' : 'キーチェーンのパスワードを消しました'),
    );
  };
  saveUrl.addEventListener('click', storeUrl);
  savePassword.addEventListener('click', storePassword);
  // Enter in a field saves that field; it never starts the sync of the form around them.
  for (const [field, save] of [
    [url, storeUrl],
    [password, storePassword],
  ]) {
    field.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      save();
    });
  }
  check.addEventListener('click', () =>
    act(check, () => api.checkHub(), (answer) => `接続できました。ハブはこの端末を知っています（ハブの端末: ${answer.installations}台）`),
  );
  // The timer is saved as it is chosen (arrow keys step through the choices): one save after
  // another, each of the value shown when it runs, the select never redrawn under the agent.
  let saving = Promise.resolve();
  every.addEventListener('change', () => {
    saving = saving.then(async () => {
      hideError(errorBox);
      const minutes = every.value;
      try {
        await api.setSetting('sync.hub.every', minutes);
        await loadSettings();
        if (every.value === minutes) note.textContent = minutes === '0' ? '自動同期をやめました' : `自動同期: ${every.selectedOptions[0].textContent}`;
      } catch (error) {
        showError(errorBox, error, LABELS);
      }
    });
  });

  const run = jobBlock({
    id: 'sync-hub',
    title: 'ハブと同期',
    heading: 'ハブ（事務所のPostgreSQL）',
    hint: '多くの端末や複数の事務所で同期するときに使います。URLとパスワードは事務所の管理者から受け取ってください。パスワードはこのPCのキーチェーンに保存し、画面やデータベースには残しません。',
    button: '今すぐハブと同期',
    args: () => ({ kind: 'sync_hub' }),
    controls: [
      h('div', { class: 'field' }, h('label', { for: 'hub-url' }, 'ハブのURL'), url, h('div', { class: 'actions' }, saveUrl)),
      h('div', { class: 'field' }, h('label', { for: 'hub-password' }, 'パスワード'), password, h('div', { class: 'actions' }, savePassword)),
      h('div', { class: 'field' }, h('label', { for: 'hub-every' }, '自動同期'), every),
      h('div', { class: 'actions' }, check),
      last,
      errorBox,
      note,
    ],
    after: async () => {
      try {
        await loadSettings();
      } catch {
        // The last-sync line keeps what it showed.
      }
      draw();
      await after();
    },
  });
  draw({ withUrl: true });
  return run;
}

/** The timer's state: one sync at a time; the last one it tried (a failed one is not tried again before the next turn of the timer). */
let timerRunning = false;
let timerTried = 0;

/**
 * Syncs with the hub on the timer of 設定 (`sync.hub.every`) while the app is open: checked each
 * minute; a sync that fails says so in a toast and is tried again a whole period later (Rust
 * refuses a second hub sync while one runs, as one started by hand).
 */
export function startHubTimer() {
  setInterval(async () => {
    const s = state.settings;
    if (timerRunning || !s || !s.sync_hub || !s.sync_hub_every) return;
    const last = Math.max(s.sync_hub_last ? new Date(s.sync_hub_last).getTime() : 0, timerTried);
    if (Date.now() - last < s.sync_hub_every * 60_000) return;
    timerRunning = true;
    timerTried = Date.now();
    try {
      const { job } = await api.startJob({ kind: 'sync_hub' });
      for (;;) {
        const status = await api.job(job);
        if (status.finished || status.cancelled || status.error) {
          if (status.error) toast(`ハブとの自動同期に失敗しました: ${status.error.message || status.error}`, 'error');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await loadSettings();
    } catch (error) {
      toast(`ハブとの自動同期に失敗しました: ${error.message || error}`, 'error');
    } finally {
      timerRunning = false;
    }
  }, 60_000);
}

/** The 同期 section of 設定. */
export function syncSection() {
  const senders = sendersBlock();
  const hub = hubBlock(() => senders.refresh());
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
  const snapshot = h('input', { type: 'checkbox', id: 'sync-export-snapshot', name: 'snapshot' });
  // One or the other: a snapshot holds every row, a difference only what one sender lacked.
  since.addEventListener('change', () => {
    if (since.checked) snapshot.checked = false;
  });
  snapshot.addEventListener('change', () => {
    if (snapshot.checked) since.checked = false;
  });
  const exportBlock = jobBlock({
    id: 'sync-export',
    title: '同期ファイルの書き出し',
    heading: '同期ファイルを書き出す',
    hint: '保存先を選ぶと、この端末のデータを同期ファイル（.mdgb）に書き出します',
    button: '書き出す…',
    args: () => (since.checked ? { kind: 'export_bundle', since: true } : snapshot.checked ? { kind: 'export_bundle', snapshot: true } : { kind: 'export_bundle' }),
    controls: [
      h(
        'div',
        { class: 'field field-check' },
        since,
        h('label', { for: 'sync-export-since' }, '受け取った同期ファイルとの差分だけ'),
      ),
      h('p', { class: 'hint' }, '先に受け取った同期ファイルを選び、その送り主が持っていない変更だけを書き出します'),
      h(
        'div',
        { class: 'field field-check' },
        snapshot,
        h('label', { for: 'sync-export-snapshot' }, '新しい端末用（スナップショット）'),
      ),
      h('p', { class: 'hint' }, '各データの今の状態だけを書き出します。新しい端末はこれを取り込むと、これまでの履歴をたどらずにすぐ使えます'),
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
    hub,
    folder,
    exportBlock,
    importBlock,
    senders.el,
  );
}
