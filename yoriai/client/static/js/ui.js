// Shared page helpers: words from the catalogue, safe element building, the larger-text
// switch, the connection status line, and note cards.
//
// Every piece of user text goes through textContent (never innerHTML) inside an element
// with dir="auto", so markup cannot be injected and a bidi override cannot spill out.

/** @typedef {{id: string, kind: string, text: string, step: string, mine: boolean,
 *   hidden: boolean, edited: boolean, author?: string, author_name?: string}} Note */

const SVG_NS = 'http://www.w3.org/2000/svg';
const TEXT_SIZE_KEY = 'yoriai.textsize';

/** @type {Object<string, string>} */
let words = {};

/**
 * Read the page's catalogue (the JSON data block with id "i18n").
 * @returns {Object<string, string>}
 */
export function loadWords() {
  const block = document.getElementById('i18n');
  try {
    words = block ? JSON.parse(block.textContent || '{}') : {};
  } catch (e) {
    words = {};
  }
  return words;
}

/**
 * A catalogue text with {name} placeholders filled in.
 * @param {string} key
 * @param {Object<string, (string|number)>} [params]
 * @returns {string}
 */
export function t(key, params) {
  const text = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
  if (!params) {
    return text;
  }
  return text.replace(/\{(\w+)\}/g, function (whole, name) {
    return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
  });
}

/**
 * Whether the catalogue has a key.
 * @param {string} key
 * @returns {boolean}
 */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(words, key);
}

/**
 * The title and prompt of a step: the catalogue's words when it has them, else the ones
 * the workshop's program brings.
 * @param {string} step the step id
 * @param {({label: string, prompt: string}|null)} fromProgram
 * @returns {{title: string, prompt: string}}
 */
export function stepWords(step, fromProgram) {
  return {
    title: has('step.' + step) ? t('step.' + step) : (fromProgram ? fromProgram.label : ''),
    prompt: has('step.' + step + '.prompt') ? t('step.' + step + '.prompt')
      : (fromProgram ? fromProgram.prompt : '')
  };
}

/**
 * The readable text of a server error: its own message, else the catalogue's.
 * @param {{code?: string, message?: string, params?: Object<string, (string|number)>}} err
 * @returns {string}
 */
export function errorText(err) {
  if (err && typeof err.message === 'string' && err.message) {
    return err.message;
  }
  const code = err && err.code ? err.code : 'server_error';
  return t('error.' + code, err && err.params ? err.params : undefined);
}

/**
 * Create an element. Text is always set with textContent.
 * @param {string} tag
 * @param {Object<string, (string|boolean|number|null|undefined)>} [attrs]
 *   "class", "text" (textContent), "hidden" (bool), anything else becomes an attribute.
 * @param {Array<(Node|string|null|undefined)>} [children]
 * @returns {HTMLElement}
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (name) {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === 'text') {
        node.textContent = String(value);
      } else if (name === 'class') {
        node.className = String(value);
      } else if (name === 'hidden') {
        node.hidden = true;
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    });
  }
  if (children) {
    children.forEach(function (child) {
      if (child === null || child === undefined) {
        return;
      }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
  }
  return node;
}

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
 * An icon from the page's SVG sprite (#icon-<name>), hidden from screen readers: the
 * word next to it says the same thing.
 * @param {string} name
 * @returns {SVGSVGElement}
 */
export function icon(name) {
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG_NS, 'svg'));
  svg.setAttribute('class', 'icon icon-' + name);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', '#icon-' + name);
  svg.appendChild(use);
  return svg;
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
 * The larger-text switch: a class on <html>, remembered on this device.
 */
export function setupTextSize() {
  const root = document.documentElement;
  let large = false;
  try {
    large = window.localStorage.getItem(TEXT_SIZE_KEY) === 'large';
  } catch (e) {
    large = false;
  }
  const button = document.getElementById('text-size');
  /** @param {boolean} on */
  function apply(on) {
    root.classList.toggle('text-large', on);
    if (button) {
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.textContent = t(on ? 'text.normal' : 'text.larger');
    }
  }
  apply(large);
  if (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      large = !large;
      apply(large);
      try {
        window.localStorage.setItem(TEXT_SIZE_KEY, large ? 'large' : 'normal');
      } catch (e) {
        // Private mode: the switch still works for this page.
      }
    });
  }
}

/**
 * Show the connection state in words (and the count of commands waiting to be sent).
 * @param {string} state connecting | online | reconnecting | offline | closed_unknown
 * @param {number} pending
 */
export function showStatus(state, pending) {
  const box = document.getElementById('conn-status');
  if (!box) {
    return;
  }
  /** @type {Object<string, string>} */
  const wordsFor = {
    connecting: 'conn.connecting',
    online: 'conn.online',
    reconnecting: 'conn.reconnecting',
    offline: 'conn.offline',
    closed_unknown: 'conn.closed_unknown'
  };
  box.className = 'conn-status conn-' + state;
  box.textContent = '';
  box.appendChild(el('span', {class: 'conn-dot', 'aria-hidden': 'true'}));
  box.appendChild(el('span', {class: 'conn-word', text: t(wordsFor[state] || 'conn.connecting')}));
  if (pending > 0) {
    box.appendChild(el('span', {class: 'conn-pending', text: t('conn.pending', {n: pending})}));
  }
}

/**
 * Set (or clear, with '') the message of an alert element.
 * @param {(HTMLElement|null)} box
 * @param {string} message
 */
export function setAlert(box, message) {
  if (box) {
    box.textContent = message || '';
  }
}

/**
 * Run ``fn`` once before the next paint, however many times this is called meanwhile
 * (an event and its ack usually arrive together: one render, no flicker).
 * @param {function(): void} fn
 * @returns {function(): void}
 */
export function renderer(fn) {
  let queued = false;
  function run() {
    if (queued) {
      queued = false;
      fn();
    }
  }
  return function () {
    if (queued) {
      return;
    }
    queued = true;
    if (typeof window.requestAnimationFrame === 'function') {
      window.requestAnimationFrame(run);
    }
    // A background tab gets no animation frames; render soon anyway.
    window.setTimeout(run, 100);
  };
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
 * Characters as the server counts them (code points, not UTF-16 units).
 * @param {string} text
 * @returns {number}
 */
export function charCount(text) {
  return Array.from(text).length;
}
