// What the screens share: the loaded reference data (quote kinds, document and request types), the current customer, navigation.

import * as api from './api.js';
import { serviceName } from './labels.js';

export const state = {
  /** `status`: {db_path, customers, agent, installation, version, documents_dir, log_dir, notice}. */
  status: null,
  /** `settings`: {agent_name, installation, db_path, documents_dir, sync_dir, sync_hub, sync_hub_every, sync_hub_last, log_dir, issuers}. */
  settings: null,
  kinds: null,
  docTypes: null,
  docForms: null,
  requestTypes: null,
  /** The customer the agent is talking to (id), and their last loaded view. */
  customerId: null,
  customer: null,
  /** A phone number popped by the shell, waiting for the search screen. */
  pendingPop: null,
  /** Set by app.js: re-renders the current screen. */
  rerender: () => {},
  /** Set by app.js: repaints the header (current customer, agent). */
  refreshHeader: () => {},
};

/** Goes to a screen: "#/customer/ID". Re-renders when the hash is already that. */
export function navigate(hash) {
  if (window.location.hash === hash) state.rerender();
  else window.location.hash = hash;
}

export async function loadStatus() {
  state.status = await api.status();
  return state.status;
}

export async function loadSettings() {
  state.settings = await api.settings();
  state.refreshHeader();
  return state.settings;
}

/**
 * Labels of choice values as Rust declares them (quote kinds, request types, document forms):
 * {field: {value: label}}, and a service's own under "service/field" (two services may label
 * one model code differently).
 */
const choiceLabels = {};

function learnChoices(fields, service = null) {
  for (const field of fields || []) {
    for (const c of field.choices || []) {
      for (const key of service ? [field.name, `${service}/${field.name}`] : [field.name]) (choiceLabels[key] ||= {})[c.value] ??= c.label;
    }
    learnChoices(field.fields, service);
  }
}

/** A choice value's Japanese label (the service's own when given), once the declarations that hold it are loaded; else the value. */
export function choiceLabel(field, value, service = null) {
  const own = service && choiceLabels[`${service}/${field}`];
  const table = (own && value in own ? own : null) || choiceLabels[field];
  return (table && table[value]) || value;
}

export async function kinds() {
  if (!state.kinds) {
    state.kinds = await api.quoteKinds();
    learnChoices(state.kinds.common_fields);
    for (const service of state.kinds.services) for (const kind of service.kinds) learnChoices(kind.fields, service.id);
  }
  return state.kinds;
}

export async function docTypes() {
  if (!state.docTypes) state.docTypes = await api.documentTypes();
  return state.docTypes;
}

/** The document forms as the domain declares them: `{common_fields, types: [{type, fields}]}`. */
export async function docForms() {
  if (!state.docForms) {
    state.docForms = await api.documentForms();
    learnChoices(state.docForms.common_fields);
    for (const type of state.docForms.types) learnChoices(type.fields);
  }
  return state.docForms;
}

export async function requestTypes() {
  if (!state.requestTypes) {
    state.requestTypes = await api.requestTypes();
    for (const type of state.requestTypes) learnChoices(type.fields);
  }
  return state.requestTypes;
}

/** Loads (or reloads) a customer and makes them current. */
export async function loadCustomer(id) {
  const view = await api.customer(id);
  state.customerId = view.id;
  state.customer = view;
  state.refreshHeader();
  return view;
}

/** The current customer's view, loading it when only the id is known. */
export async function currentCustomer(id) {
  const wanted = id || state.customerId;
  if (!wanted) return null;
  if (state.customer && state.customer.id === wanted) return state.customer;
  return loadCustomer(wanted);
}

/** A service's display name from the quote kinds when loaded, else the built-in table. */
export function serviceLabel(id) {
  const found = state.kinds && state.kinds.services && state.kinds.services.find((s) => s.id === id);
  return found ? found.name.replace(/（.*）$/, '') : serviceName(id);
}

/** A status of a request type as `request_types` declares it: {status, label, final}. */
function statusOf(type, status) {
  const t = (state.requestTypes || []).find((x) => x.type === type);
  return t && t.statuses.find((x) => x.status === status);
}

export function statusLabel(type, status) {
  const s = statusOf(type, status);
  return (s && s.label) || status;
}

export function isFinalStatus(type, status) {
  const s = statusOf(type, status);
  return Boolean(s && s.final);
}

export function requestTypeLabel(type) {
  const t = (state.requestTypes || []).find((x) => x.type === type);
  return (t && t.label) || type;
}

export function docTypeLabel(type) {
  const t = (state.docTypes || []).find((x) => x.type === type);
  return (t && t.label) || type;
}
