// Note cards and lists: the building blocks of the boards that show notes and other
// items, used once a page has something to show (the phone loads this with its step
// views, not on its first visit). What every page needs from its first paint is in page.js.
//
// Every piece of user text goes through textContent (never innerHTML) inside an element
// with dir="auto", so markup cannot be injected and a bidi override cannot spill out.

import {el, icon, t, textLength} from './page.js';

/**
 * A note as the server sends it (facilitation/view.py note_view); the author's fields only
 * to facilitators, ``votable`` only to participants.
 * @typedef {{id: string, kind: string, text: string, step: string, theme: (string|null),
 *   hidden: boolean, private: boolean, edited: boolean, meeting: number,
 *   votable?: boolean, author?: string, author_name?: string, by_proxy?: boolean}} Note
 */

/**
 * User-written text, isolated for bidi and never parsed as markup.
 * @param {string} tag
 * @param {string} text
 * @param {string} [className]
 * @returns {HTMLElement}
 */
export function userText(tag, text, className) {
  return el(tag, {class: className ? className + ' user-text' : 'user-text', dir: 'auto',
    text: text});
}

/**
 * The kind badge of a note: icon and word, so colour is never the only signal.
 * @param {string} kind
 * @returns {HTMLElement}
 */
export function kindBadge(kind) {
  const badge = el('span', {class: 'kind-badge kind-' + kind});
  badge.appendChild(icon(kind));
  badge.appendChild(el('span', {text: t('kind.' + kind)}));
  return badge;
}

/**
 * A note card's body: kind badge, the text, and short status words.
 * @param {Note} note
 * @param {Array<string>} [labels] extra status words (already translated)
 * @returns {HTMLElement}
 */
export function noteCard(note, labels) {
  const card = el('li', {class: 'note kind-' + note.kind + (note.hidden ? ' is-hidden' : ''),
    'data-note-id': note.id});
  const head = el('div', {class: 'note-head'}, [kindBadge(note.kind)]);
  const tags = (labels || []).slice();
  if (note.edited) {
    tags.push(t('note.edited'));
  }
  tags.forEach(function (label) {
    head.appendChild(el('span', {class: 'note-tag', text: label}));
  });
  card.appendChild(head);
  card.appendChild(userText('p', note.text, 'note-text'));
  if (note.author_name) {
    card.appendChild(userText('p', note.author_name, 'note-author'));
  }
  return card;
}

/**
 * Put ``items`` into ``container`` in order, reusing the node of each key and moving a
 * node only when it is out of place (so focus and a half-typed edit survive updates).
 * @template T
 * @param {HTMLElement} container
 * @param {Array<T>} items
 * @param {function(T): string} keyOf
 * @param {function(T, (HTMLElement|undefined)): HTMLElement} nodeFor
 *   returns the node for an item, given the node it had before (reuse it if unchanged)
 */
export function reconcile(container, items, keyOf, nodeFor) {
  /** @type {Object<string, HTMLElement>} */
  const old = {};
  Array.prototype.forEach.call(container.children, function (child) {
    const key = child.getAttribute('data-key');
    if (key !== null) {
      old[key] = child;
    }
  });
  /** @type {Object<string, boolean>} */
  const keep = {};
  let cursor = container.firstElementChild;
  items.forEach(function (item) {
    const key = keyOf(item);
    const before = old[key];
    const node = nodeFor(item, before);
    node.setAttribute('data-key', key);
    keep[key] = true;
    if (before && before !== node && before.parentNode === container) {
      container.replaceChild(node, before);
      if (cursor === before) {
        cursor = node;
      }
    }
    if (cursor === node) {
      cursor = node.nextElementSibling;
    } else {
      container.insertBefore(node, cursor);
    }
  });
  Array.prototype.slice.call(container.children).forEach(function (child) {
    const key = child.getAttribute('data-key');
    if (key === null || !keep[key]) {
      container.removeChild(child);
    }
  });
}

/**
 * Numeric order of ids like "n12" (the order notes were made).
 * @param {string} id
 * @returns {number}
 */
export function idNumber(id) {
  const n = parseInt(String(id).replace(/^\D+/, ''), 10);
  return isNaN(n) ? 0 : n;
}


/**
 * Characters as the server counts them (what a person sees: page.js textLength).
 * @param {string} text
 * @returns {number}
 */
export function charCount(text) {
  return textLength(text);
}
