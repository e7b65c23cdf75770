// The only module that talks to Rust: Tauri's invoke inside the app, the test bridge's HTTP in a browser.
// Every command of docs/app-commands.md has one function here; a failure is an ApiError {code, field, message}.

/** A refused or failed command, as the Rust side reported it. */
export class ApiError extends Error {
  constructor({ code = 'failed', field = null, message = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
  }
}

function tauri() {
  return typeof window !== 'undefined' && window.__TAURI__ ? window.__TAURI__ : null;
}

/** Turns whatever the transport threw or answered into an ApiError. */
function toApiError(value) {
  if (value instanceof ApiError) return value;
  if (value && typeof value === 'object') {
    const inner = value.error && typeof value.error === 'object' ? value.error : value;
    if (typeof inner.message === 'string' || typeof inner.code === 'string') {
      return new ApiError({ code: inner.code || 'failed', field: inner.field ?? null, message: inner.message || '' });
    }
  }
  if (typeof value === 'string') {
    try {
      return toApiError(JSON.parse(value));
    } catch {
      return new ApiError({ code: 'failed', field: null, message: value });
    }
  }
  return new ApiError({ code: 'failed', field: null, message: String(value && value.message ? value.message : value) });
}

/** Calls one command with one arguments object; resolves to its JSON result. */
export async function call(command, args = {}) {
  const t = tauri();
  if (t && t.core && typeof t.core.invoke === 'function') {
    try {
      return await t.core.invoke(command, { args });
    } catch (e) {
      throw toApiError(e);
    }
  }
  let response;
  try {
    response = await fetch('/invoke/' + encodeURIComponent(command), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
  } catch (e) {
    throw new ApiError({ code: 'failed', field: null, message: `cannot reach the application (${e.message})` });
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) throw toApiError(body ?? `HTTP ${response.status}`);
  return body;
}

// One function per command (arguments in snake_case, as the contract names them).
// The commands that read or write a file open a native dialog in Rust; they may answer
// {cancelled: true} when the agent closes it (see isCancelled).
export const status = () => call('status');
export const lookup = (query, limit = 15) => call('lookup', { query, limit });
export const customer = (id) => call('customer', { id });
/** Changes a customer's own fields ({name, name_kana, postal_code, prefecture, address, birth_date}): {changed, customer}. */
export const editCustomer = (id, fields) => call('edit_customer', { id, fields });
/** A postal code's addresses by Japan Post's table: {postal_code, addresses: [{prefecture, city, town, note, office}], table}. */
export const postalAddresses = (postalCode) => call('postal_addresses', { postal_code: postalCode });
/** 名寄せ: the customers likely the same person: [{id, name, name_kana, accounts: [{service, customer_number}], reasons, reason_ja}]. */
export const customerDuplicates = (id) => call('customer_duplicates', { id });
/** 名寄せ: merges customer `other` into `keep` (then gone): {merged: {accounts, orders, documents, …}, customer}. */
export const mergeCustomers = (keep, other) => call('merge_customers', { keep, other });
export const addNote = (customerId, body) => call('add_note', { customer_id: customerId, body });
export const quoteKinds = () => call('quote_kinds');
export const quotePrefill = (customerId, service, kind) => call('quote_prefill', { customer_id: customerId, service, kind });
export const quote = (request) => call('quote', { request });
export const saveQuote = (customerId, request, answer) => call('save_quote', { customer_id: customerId, request, answer });
export const documentTypes = () => call('document_types');
export const documentForms = () => call('document_forms');
export const documentDraft = (docType, customerId, orderId) =>
  call('document_draft', orderId ? { doc_type: docType, customer_id: customerId, order_id: orderId } : { doc_type: docType, customer_id: customerId });
export const issueDocument = (docType, document, customerId, orderId) => {
  const args = { doc_type: docType, document };
  if (customerId) args.customer_id = customerId;
  if (orderId) args.order_id = orderId;
  return call('issue_document', args);
};
export const reissueDocument = (docType, number) => call('reissue_document', { doc_type: docType, number });
/** A save dialog, then a copy of the number's latest print: {path} or {cancelled: true}. */
export const saveDocument = (number) => call('save_document', { number });
/** The number's latest print sent to the system's printing: {path}. */
export const printDocument = (number) => call('print_document', { number });
export const openDocument = (number) => call('open_document', { number });
export const requestTypes = () => call('request_types');
export const createRequest = (type, customerId, fields) => call('create_request', { type, customer_id: customerId, fields });
export const moveRequest = (id, to, note) => call('move_request', note ? { id, to, note } : { id, to });
export const request = (id) => call('request', { id });
export const requests = ({ openOnly = false, overdueOnly = false } = {}) => call('requests', { open_only: openOnly, overdue_only: overdueOnly });
export const settings = () => call('settings');
export const setSetting = (key, value) => call('set_setting', { key, value });
export const setIssuer = (service, issuer) => call('set_issuer', { service, issuer });
/** A PNG seal image chosen in a file dialog, stored with the service's issuer: {} or {cancelled: true}. */
export const setSeal = (service) => call('set_seal', { service });
/** A folder dialog for the documents folder or the shared sync folder ("documents" | "sync"): {path} or {cancelled: true}. */
export const chooseFolder = (purpose) => call('choose_folder', { purpose });
/** An open dialog (create = false) or a save dialog for a new file (create = true): as status, or {cancelled: true}. */
export const openDatabase = (create) => call('open_database', { create: Boolean(create) });
/** The backups folder, the newest backup's time and every backup: {dir, last, backups: [{path, at, bytes}]}. */
export const backups = () => call('backups');
/** Backs the open database up now; answers as backups. */
export const backupNow = () => call('backup_now');
/** Restores one listed backup (the current database is kept aside): as status, plus restored_from and replaced. */
export const restoreBackup = (path) => call('restore_backup', { path });
/** This installation's signing fingerprint and every sender trusted, revoked or not yet trusted: {own: {fingerprint, name}, senders: [{fingerprint, name, installation, status, trusted_at, trusted_by, revoked_at, revoked_by}]}. */
export const senders = () => call('senders');
/** Trusts a listed sender (after comparing its fingerprint); answers as senders. */
export const trustSender = (fingerprint) => call('trust_sender', { fingerprint });
/** Revokes a trusted sender: its bundles are refused from now on; answers as senders. */
export const revokeSender = (fingerprint) => call('revoke_sender', { fingerprint });
/** Keeps the hub password in the operating system's keychain for the hub set (sync.hub); "" forgets it. */
export const saveHubPassword = (password) => call('save_hub_password', { password });
/** Tests the connection to the hub, changing nothing: {installation, installations}. */
export const checkHub = () => call('check_hub');
/** Starts a long job; an import or export first asks for its file: {job} or {cancelled: true}. */
export const startJob = (args) => call('start_job', args);
export const job = (id) => call('job', { job: id });
export const cancelJob = (id) => call('cancel_job', { job: id });

/** Whether a command's answer says the agent closed its dialog (nothing was changed). */
export function isCancelled(answer) {
  return Boolean(answer && typeof answer === 'object' && answer.cancelled === true && !('job' in answer));
}

/**
 * Screen-pop: `cb(phone)` for every incoming call. Inside the app the shell emits the event
 * `pop` with {phone}. In a browser (no Tauri), `?pop=PHONE` in the page's URL pops once at
 * load, and the DOM event `madoguchi-pop` on window with detail {phone} pops an open page
 * (the browser tests' way to ring while a form is being typed in).
 */
export function onPop(cb) {
  const t = tauri();
  if (t && t.event && typeof t.event.listen === 'function') {
    t.event.listen('pop', (event) => {
      const payload = event && event.payload;
      const phone = payload && typeof payload === 'object' ? payload.phone : payload;
      if (phone) cb(String(phone));
    });
  } else {
    window.addEventListener('madoguchi-pop', (event) => {
      const detail = event && event.detail;
      const phone = detail && typeof detail === 'object' ? detail.phone : detail;
      if (phone) cb(String(phone));
    });
  }
  const params = new URLSearchParams(window.location.search);
  const phone = params.get('pop');
  if (phone) {
    params.delete('pop');
    const rest = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (rest ? '?' + rest : '') + window.location.hash);
    // Let the caller finish starting before the pop runs.
    setTimeout(() => cb(phone), 0);
  }
}
