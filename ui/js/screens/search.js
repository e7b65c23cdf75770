// 検索: the one search box. Results as the agent types (debounced, stale answers ignored); arrows and Enter open a customer.

import * as api from '../api.js';
import { h, clear, showError, newId } from '../dom.js';
import { state, navigate } from '../state.js';

export const help = [['Esc'], '検索語を消す'];

const DEBOUNCE_MS = 150;
const LIMIT = 15;

// Kept between visits, so Esc from a customer comes back to the same list.
const memory = { query: '', results: [], active: -1 };

export async function render(main) {
  const box = h('input', {
    id: 'search-box',
    type: 'search',
    class: 'search-box',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'search-results',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: '例: 03-1234-5678、５６７８、やまだ、AL0000123、〒100-0001',
  });
  const meta = h('div', { class: 'search-meta', id: 'search-meta', 'aria-live': 'polite' });
  const banner = h('div', { class: 'pop-banner', id: 'pop-banner', hidden: true, role: 'status' });
  const list = h('ul', { id: 'search-results', class: 'results', role: 'listbox', 'aria-label': '検索結果' });
  const errorBox = h('div', { class: 'field-error', hidden: true, role: 'alert' });

  main.append(
    h(
      'section',
      { class: 'panel search-panel' },
      h('h1', {}, 'お客様検索'),
      h('label', { for: 'search-box', class: 'search-label' }, '電話番号（下4桁・全角可）、お名前・フリガナ、お客様番号、メールアドレス、郵便番号'),
      box,
      errorBox,
      banner,
      meta,
      h(
        'div',
        { class: 'results-head', 'aria-hidden': 'true' },
        h('span', {}, 'お名前'),
        h('span', {}, 'フリガナ'),
        h('span', {}, 'お客様番号'),
        h('span', {}, '電話番号'),
        h('span', {}, '一致した項目'),
        h('span', {}, '都道府県'),
      ),
      list,
    ),
  );

  let seq = 0;
  let timer = null;
  let results = memory.results;
  let active = memory.active;

  function setActive(index) {
    active = index;
    memory.active = index;
    const items = list.querySelectorAll('[role="option"]');
    items.forEach((item, i) => item.setAttribute('aria-selected', i === index ? 'true' : 'false'));
    if (index >= 0 && items[index]) {
      box.setAttribute('aria-activedescendant', items[index].id);
      items[index].scrollIntoView({ block: 'nearest' });
    } else {
      box.removeAttribute('aria-activedescendant');
    }
  }

  function open(index) {
    const hit = results[index];
    if (!hit) return;
    navigate(`#/customer/${encodeURIComponent(hit.customer_id)}`);
  }

  function draw() {
    clear(list);
    box.setAttribute('aria-expanded', results.length ? 'true' : 'false');
    results.forEach((hit, i) => {
      const optionId = newId('result');
      const item = h(
        'li',
        { id: optionId, role: 'option', class: 'result', 'aria-selected': 'false', dataset: { customerId: hit.customer_id } },
        h('span', { class: 'r-name' }, hit.name),
        h('span', { class: 'r-kana' }, hit.name_kana),
        h('span', { class: 'r-number' }, numbersOf(hit)),
        h('span', { class: 'r-phone' }, phoneOf(hit)),
        h(
          'span',
          { class: 'r-match' },
          h('span', { class: 'badge info' }, hit.matched_label || hit.matched_field),
          ' ',
          h('span', { class: 'r-matched' }, hit.matched),
          // Found through a variant kanji (高橋 typed, 髙橋 stored): the agent confirms the caller.
          hit.variant ? h('span', { class: 'badge warn r-variant', title: '入力と異なる字体（異体字）で一致しました' }, '異体字') : null,
        ),
        h('span', { class: 'r-pref' }, hit.prefecture),
      );
      item.addEventListener('mousedown', (e) => e.preventDefault());
      item.addEventListener('click', () => open(i));
      list.appendChild(item);
    });
    setActive(results.length ? Math.min(Math.max(active, 0), results.length - 1) : -1);
  }

  function numbersOf(hit) {
    const numbers = [...hit.customer_numbers];
    if (hit.matched_field === 'customer_number') {
      // The matched number first.
      numbers.sort((a, b) => (a === hit.matched ? -1 : b === hit.matched ? 1 : 0));
    }
    return numbers.join('、') || '—';
  }

  function phoneOf(hit) {
    if (hit.matched_field === 'phone') return hit.matched;
    return hit.phone || '—';
  }

  async function runLookup(query) {
    const mySeq = ++seq;
    const trimmed = query.trim();
    if (!trimmed) {
      results = [];
      memory.results = results;
      memory.query = query;
      list.dataset.query = query;
      active = -1;
      meta.textContent = '';
      errorBox.hidden = true;
      draw();
      return null;
    }
    meta.textContent = '検索中…';
    let answer;
    try {
      answer = await api.lookup(trimmed, LIMIT);
    } catch (error) {
      if (mySeq !== seq) return null;
      showError(errorBox, error, { query: '検索語' });
      meta.textContent = '';
      return null;
    }
    if (mySeq !== seq) return null; // a newer query was typed meanwhile
    errorBox.hidden = true;
    results = answer.results;
    memory.results = results;
    memory.query = query;
    list.dataset.query = query; // which query the list answers (tests wait on it)
    active = 0;
    meta.textContent = results.length ? `${results.length}件${results.length >= LIMIT ? '（上位のみ表示）' : ''}　↑↓で選んでEnterで開きます` : '該当するお客様はいません';
    draw();
    return results;
  }

  box.addEventListener('input', () => {
    clearTimeout(timer);
    banner.hidden = true;
    const value = box.value;
    timer = setTimeout(() => runLookup(value), DEBOUNCE_MS);
  });

  box.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (results.length) setActive((active + 1) % results.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.length) setActive((active - 1 + results.length) % results.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (timer && box.value.trim() !== (memory.query || '').trim()) {
        // Enter before the debounce fired: search now, then open the first result.
        clearTimeout(timer);
        runLookup(box.value).then((found) => {
          if (found && found.length) open(0);
        });
      } else if (results.length) {
        open(active >= 0 ? active : 0);
      }
    } else if (event.key === 'Home' && event.ctrlKey) {
      setActive(0);
    }
  });

  async function pop(phone) {
    clearTimeout(timer);
    box.value = phone;
    box.focus();
    banner.hidden = false;
    banner.className = 'pop-banner';
    banner.textContent = `着信 ${phone} のお客様を検索しています…`;
    const found = await runLookup(phone);
    if (!found) return;
    if (found.length === 1) {
      banner.textContent = `着信 ${phone}: お客様が1件見つかりました`;
      open(0);
    } else if (found.length === 0) {
      banner.classList.add('warn');
      banner.textContent = `着信 ${phone}: 登録のない番号です（新規のお客様の可能性があります）`;
    } else {
      banner.textContent = `着信 ${phone}: ${found.length}件が該当します。お名前を確認して選んでください`;
    }
  }

  // Restore the last search.
  box.value = memory.query;
  list.dataset.query = memory.query;
  draw();
  if (memory.query) {
    meta.textContent = results.length ? `${results.length}件　↑↓で選んでEnterで開きます` : '';
  } else {
    meta.textContent = '';
  }

  if (state.pendingPop) {
    const phone = state.pendingPop;
    state.pendingPop = null;
    setTimeout(() => pop(phone), 0);
  }

  return {
    // The box, its text selected: typing replaces the last search.
    focus: () => {
      box.focus();
      box.select();
    },
    pop,
    onEscape: () => {
      if (box.value) {
        box.value = '';
        runLookup('');
        box.focus();
        return true;
      }
      return false;
    },
    cleanup: () => clearTimeout(timer),
  };
}
