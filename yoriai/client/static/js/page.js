// What every page (phone, console, projector) does the same way: words from the catalogue,
// element lookup and building, the larger-text switch, the connection line, the shared
// timer's state, text length as a person counts it, errors shown next to the control that
// caused them, and keeping the focus in place across redraws.
//
// The phone loads this (with conn.js and board.js) on its first visit, so it stays small
// and holds nothing a page needs only later: note cards and lists are in ui.js.
//
// Every piece of user text goes through textContent (never innerHTML).

const SVG_NS = 'http://www.w3.org/2000/svg';
const TEXT_SIZE_KEY = 'yoriai.textsize';

/** How long the shared timer says "time is up" after it reached zero, in seconds: long
 * enough for a room to notice and finish the sentence, then the header is calm again. */
export const TIMER_DONE_SECS = 5 * 60;

/** A focus asked for before its control is drawn (it may come with the server's answer)
 * is looked for at each drawing for this long, then given up. */
const FOCUS_WAIT_MS = 3000;

/** @type {Object<string, string>} */
let words = {};

// --- words --------------------------------------------------------------------------------

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

// --- elements -----------------------------------------------------------------------------

/**
 * An element of the page's template, which is there by construction.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * Set an element's text only when it changes: writing the same words again still replaces
 * the text node, and the browser then lays the page out again (on the projector, at every
 * vote: bench/devices.py).
 * @param {HTMLElement} node
 * @param {string} text
 */
export function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/**
 * Create an element. Text is always set with textContent.
 * @param {string} tag
 * @param {Object<string, (string|boolean|number|null|undefined)>|null} [attrs]
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

// --- the page's chrome ---------------------------------------------------------------------

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
 * @param {string} state connecting | online | checking | reconnecting | offline |
 *   closed_unknown |
 *   closed_damaged | closed_elsewhere
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
    checking: 'conn.checking',
    reconnecting: 'conn.reconnecting',
    offline: 'conn.offline',
    closed_unknown: 'conn.closed_unknown',
    closed_damaged: 'conn.closed_damaged',
    closed_elsewhere: 'conn.closed_elsewhere'
  };
  box.className = 'conn-status conn-' + state;
  box.textContent = '';
  box.appendChild(el('span', {class: 'conn-dot', 'aria-hidden': 'true'}));
  box.appendChild(el('span', {class: 'conn-word', text: t(wordsFor[state] || 'conn.connecting')}));
  if (pending > 0) {
    box.appendChild(el('span', {class: 'conn-pending', text: t('conn.pending', {n: pending})}));
  }
}

// --- text as a person counts it -------------------------------------------------------------

/** @type {?{segment: function(string): Iterable<{segment: string}>}} */
let segmenter = null;
try {
  const Seg = /** @type {any} */ (Intl).Segmenter;
  segmenter = typeof Seg === 'function' ? new Seg(undefined, {granularity: 'grapheme'}) : null;
} catch (e) {
  segmenter = null;
}

/**
 * The characters a person sees, as the server counts them (facilitation/text.py: grapheme
 * clusters, so 「が」 typed as か + ゛, a flag or a family emoji is one). Where the browser
 * cannot split graphemes (before Safari 14.1), code points: never fewer than the server's
 * count, so a text this allows is never refused as too long.
 * @param {string} text
 * @returns {Array<string>}
 */
export function characters(text) {
  if (segmenter) {
    return Array.from(segmenter.segment(text), function (s) { return s.segment; });
  }
  return Array.from(text);
}

/**
 * How many characters a person sees in ``text``.
 * @param {string} text
 * @returns {number}
 */
export function textLength(text) {
  return characters(text).length;
}

/**
 * Keep a text box within ``data-max-chars`` characters as a person counts them (the
 * browser's own maxlength counts UTF-16 units and cuts an emoji in half). Text typed
 * through an input method is cut only once the word is chosen.
 * @param {(HTMLInputElement|HTMLTextAreaElement)} box
 * @param {number} [max] the limit; else the box's data-max-chars
 */
export function limitChars(box, max) {
  const limit = max || parseInt(box.getAttribute('data-max-chars') || '', 10);
  if (!(limit > 0)) {
    return;
  }
  function cut() {
    const chars = characters(box.value);
    if (chars.length > limit) {
      box.value = chars.slice(0, limit).join('');
    }
  }
  box.addEventListener('input', function (ev) {
    if (!(/** @type {InputEvent} */ (ev)).isComposing) {
      cut();
    }
  });
  box.addEventListener('compositionend', cut);
}

// --- the shared timer -----------------------------------------------------------------------

/**
 * The shared timer, the same on every page: none, running, paused, or done (reached zero
 * less than TIMER_DONE_SECS ago; after that it is none again).
 * @param {import('./board.js').Board} board
 * @returns {{state: string, left: number}} left: seconds to show (0 when none or done)
 */
export function timerState(board) {
  const timer = board.workshop.timer;
  const left = board.timerLeft();
  if (!timer || left === null) {
    return {state: 'none', left: 0};
  }
  if (typeof timer.ends_at !== 'number') {
    return {state: 'paused', left: left};
  }
  if (left > 0) {
    return {state: 'running', left: left};
  }
  return {state: board.serverNow() - timer.ends_at < TIMER_DONE_SECS ? 'done' : 'none',
    left: 0};
}

// --- errors next to what caused them --------------------------------------------------------

/**
 * The error messages of a page, by the ctx of the control that caused them. Each control's
 * error line carries ``data-error-for="<ctx>"`` (a line drawn with line(), or one in the
 * template); after each drawing, place() fills the lines and puts a refusal whose line is
 * not on the screen (another view is open, the item is gone) in the fallback box instead,
 * so that no refusal goes unseen.
 */
export class Errors {
  /**
   * @param {(HTMLElement|null)} fallback where a refusal goes when its line is not shown
   * @param {boolean} [inView] a line counts as shown only when it is inside the screen
   *   (the phone, whose fallback is in a bar fixed to the screen: no refusal off-screen)
   */
  constructor(fallback, inView) {
    this.fallback = fallback;
    this.inView = !!inView;
    /** @type {Object<string, string>} */
    this.byCtx = {};
    /** Refusals since the last drawing. @type {Array<string>} */
    this.fresh = [];
  }

  /**
   * @param {string} ctx
   * @param {string} message
   */
  set(ctx, message) {
    this.byCtx[ctx] = message;
    this.fresh.push(ctx);
  }

  /** @param {string} ctx */
  clear(ctx) {
    delete this.byCtx[ctx];
  }

  /** @param {function(string): boolean} [which] forget the errors of these ctxs (all) */
  clearAll(which) {
    const self = this;
    Object.keys(this.byCtx).forEach(function (ctx) {
      if (!which || which(ctx)) {
        delete self.byCtx[ctx];
      }
    });
  }

  /**
   * @param {string} ctx
   * @returns {string} the error of this control, or ''
   */
  get(ctx) {
    return this.byCtx[ctx] || '';
  }

  /**
   * The error line of a control (empty, and so not shown, when there is none).
   * @param {string} ctx
   * @returns {HTMLElement}
   */
  line(ctx) {
    return el('p', {class: 'form-error', role: 'alert', 'data-error-for': ctx,
      text: this.get(ctx)});
  }

  /** After a drawing: fill the error lines, and show unseen refusals in the fallback. */
  place() {
    const self = this;
    /** @type {Object<string, boolean>} */
    const seen = {};
    Array.prototype.forEach.call(document.querySelectorAll('[data-error-for]'),
      function (/** @type {HTMLElement} */ box) {
        const ctx = box.getAttribute('data-error-for') || '';
        const text = self.get(ctx);
        if (box.textContent !== text) {
          box.textContent = text;
        }
        if (text && box.offsetParent !== null && (!self.inView || onScreen(box))) {
          seen[ctx] = true;
        }
      });
    const fresh = this.fresh;
    this.fresh = [];
    fresh.forEach(function (ctx) {
      if (self.byCtx[ctx] && !seen[ctx]) {
        setAlert(self.fallback, self.byCtx[ctx]);
      }
    });
  }
}

/**
 * @param {HTMLElement} box
 * @returns {boolean} whether the box is inside the screen (all of it, or as much as fits)
 */
function onScreen(box) {
  const r = box.getBoundingClientRect();
  const h = window.innerHeight || document.documentElement.clientHeight;
  return r.top >= 0 && r.bottom <= h;
}

// --- keeping the focus where the hands are ---------------------------------------------------

/** Whether an input method is composing a word (a Japanese phrase being converted). */
let composing = false;
/** Called when a composition ends (what waited for the word to be finished).
 * @type {Array<function(): void>} */
const afterComposing = [];
document.addEventListener('compositionstart', function () { composing = true; });
document.addEventListener('compositionend', function () {
  composing = false;
  afterComposing.forEach(function (fn) { fn(); });
});

/**
 * Whether the person is composing text inside ``node``: then the node is kept as it is
 * until they finish (replacing it would lose the word being converted).
 * @param {Element} node
 * @returns {boolean}
 */
export function typingIn(node) {
  return composing && !!document.activeElement && node.contains(document.activeElement);
}

/**
 * Run ``fn`` each time a composition ends (a page redraws what it held back).
 * @param {function(): void} fn
 */
export function onComposed(fn) {
  afterComposing.push(fn);
}


/**
 * @typedef {{key: string, fk: string}} FocusTarget
 *   the control with data-fk ``fk``, inside the item with data-key ``key`` ('' anywhere)
 * @typedef {{target: (FocusTarget|null), caret: (Array<number>|null)}} FocusMark
 */

/**
 * @param {FocusTarget} want
 * @returns {(HTMLElement|null)}
 */
function findTarget(want) {
  /** @param {string} v @returns {string} */
  function quoted(v) {
    return '"' + v.replace(/["\\]/g, '\\$&') + '"';
  }
  // The same key may stand in two lists (a theme's card and its proposal's): the item
  // that has the control is the one.
  const selector = (want.key ? '[data-key=' + quoted(want.key) + '] ' : '') +
    '[data-fk=' + quoted(want.fk) + ']';
  return /** @type {(HTMLElement|null)} */ (document.querySelector(selector));
}

/**
 * Keeps a keyboard or screen-reader user's place when a redraw rebuilds the control they
 * are on, and moves the focus where the page asks (the edit box just opened) once that is
 * drawn. A focus asked for is dropped when it was given, when the person moves the focus
 * themselves, when drop() is called (the step changed), or when its control is still not
 * drawn after FOCUS_WAIT_MS (a control drawn but off, its command on its way, is waited for).
 */
export class FocusKeeper {
  constructor() {
    /** @type {(FocusTarget|null)} */
    this.asked = null;
    this.askedAt = 0;
    /** Whether the keeper itself is moving the focus (that is no move of the person's). */
    this.moving = false;
    const self = this;
    document.addEventListener('focusin', function () {
      if (!self.moving) {
        self.asked = null;
      }
    });
  }

  /**
   * Focus this control after the next drawing that draws it (and enables it).
   * @param {string} fk
   * @param {string} [key]
   */
  ask(fk, key) {
    this.asked = {key: key || '', fk: fk};
    this.askedAt = Date.now();
  }

  /** Forget the focus asked for. */
  drop() {
    this.asked = null;
  }

  /** @returns {FocusMark} where the focus is before a drawing */
  mark() {
    const active = /** @type {(HTMLInputElement|null)} */ (document.activeElement);
    const fk = active && active !== document.body ? active.getAttribute('data-fk') : null;
    if (!active || !fk) {
      return {target: null, caret: null};
    }
    const item = active.closest('[data-key]');
    const caret = typeof active.selectionStart === 'number' && active.selectionStart !== null
      ? [active.selectionStart, active.selectionEnd || active.selectionStart] : null;
    return {target: {key: item ? item.getAttribute('data-key') || '' : '', fk: fk},
      caret: caret};
  }

  /**
   * After a drawing: focus what was asked for, or the control that had the focus if the
   * drawing rebuilt it (with the caret where it was).
   * @param {FocusMark} before
   */
  restore(before) {
    let want = null;
    let caret = null;
    if (this.asked) {
      const asked = findTarget(this.asked);
      if (asked && !(/** @type {HTMLInputElement} */ (asked)).disabled) {
        want = asked;
        this.asked = null;
      } else if (!asked && Date.now() - this.askedAt > FOCUS_WAIT_MS) {
        this.asked = null; // never drawn: given up (one drawn but off waits for its answer)
      }
    }
    if (!want && before.target) {
      const active = document.activeElement;
      if (!active || active === document.body || !active.isConnected) {
        want = findTarget(before.target);
        caret = before.caret;
      }
    }
    if (!want || want === document.activeElement ||
        (/** @type {HTMLInputElement} */ (want)).disabled) {
      return;
    }
    this.moving = true;
    try {
      want.focus();
    } finally {
      this.moving = false;
    }
    const box = /** @type {HTMLInputElement} */ (want);
    if (caret && typeof box.setSelectionRange === 'function') {
      try {
        box.setSelectionRange(caret[0], caret[1]);
      } catch (e) {
        // Not a text control.
      }
    }
  }
}
