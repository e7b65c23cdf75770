// Unsaved input: forms register here what the agent typed and has not saved, so that a screen-pop never throws it away unasked.
// A form is dirty from the agent's first input event until the screen marks it clean (saved, submitted); some use a predicate instead.

/** @type {Set<{el: Element, flag: boolean, isDirty: (() => boolean) | null}>} */
const tracked = new Set();

/**
 * Watches `el` (a form, or one control) for the agent's input. Controls inside an element
 * with `data-dirty-ignore` (choosing what to do rather than typing it) do not count.
 * With `isDirty`, that predicate decides instead of the input events (e.g. "the note has text").
 * Returns {clean(), dirty()} for the screen to call.
 */
export function trackDirty(el, { isDirty = null } = {}) {
  const entry = { el, flag: false, isDirty };
  tracked.add(entry);
  const sync = () => {
    if (isNowDirty(entry)) el.dataset.dirty = 'true';
    else delete el.dataset.dirty;
  };
  // Input events come from the agent only: values set by the screens fire none.
  el.addEventListener('input', (event) => {
    const target = event.target;
    if (target && target.closest && target.closest('[data-dirty-ignore]')) return;
    entry.flag = true;
    sync();
  });
  return {
    clean() {
      entry.flag = false;
      sync();
    },
    dirty() {
      entry.flag = true;
      sync();
    },
  };
}

function isNowDirty(entry) {
  return entry.isDirty ? Boolean(entry.isDirty()) : entry.flag;
}

/** Whether any form on the page holds input the agent has not saved. */
export function anyDirty() {
  for (const entry of tracked) {
    if (entry.el.isConnected && isNowDirty(entry)) return true;
  }
  return false;
}

/** Forgets forms no longer on the page (called when a screen is replaced). */
export function forgetDetached() {
  for (const entry of [...tracked]) if (!entry.el.isConnected) tracked.delete(entry);
}

/** The agent chose to discard: nothing counts as unsaved any more. */
export function discardAll() {
  for (const entry of tracked) {
    entry.flag = false;
    delete entry.el.dataset.dirty;
  }
  tracked.clear();
}
