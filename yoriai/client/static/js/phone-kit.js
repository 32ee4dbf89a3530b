// What the phone's step views share: the page's connection and board (handed over by
// phone.js), what this participant may still do, and the builders of the controls every
// card uses. A step view (phone-notes.js, phone-themes.js, phone-plan.js, phone-actions.js,
// phone-review.js) is loaded the first time the room reaches its step, so that the first
// visit of a phone fetches only the join form's code.
//
// A command carries a "ctx" naming the control that sent it ("vote:n4"); its error is shown
// on that control's error line (page.js Errors), or under the step's prompt when that line
// is not on the screen.

import {t, el, icon, characters, typingIn} from './page.js';
import {userText} from './ui.js';

/**
 * @typedef {import('./conn.js').Command} Command
 * @typedef {import('./conn.js').Connection} Connection
 * @typedef {import('./board.js').Board} Board
 * @typedef {Object<string, any>} Item a theme, proposal, action or review as the server sends it
 * @typedef {{conn: Connection, board: Board, errors: import('./page.js').Errors,
 *   focus: import('./page.js').FocusKeeper, render: function(): void, lang: string,
 *   stepError: HTMLElement}} PhoneContext
 * @typedef {{draw: function(): void, refused?: function(Command, string): void,
 *   acked?: function(Command): void, stepChanged?: function(): void}} StepView
 *   what a step view module exports
 */

/** The page's connection, board, errors and focus, set by phone.js before any step view
 * is drawn. @type {PhoneContext} */
export const phone = /** @type {any} */ ({});

/**
 * @param {PhoneContext} context
 */
export function init(context) {
  Object.assign(phone, context);
}


/** Commands waiting for their answer, by ctx (filled at each drawing by phone.js).
 * @type {Object<string, Array<Command>>} */
export let pend = {};

/** Fill ``pend`` from the connection's queue; called once before each drawing. */
export function countPending() {
  /** @type {Object<string, Array<Command>>} */
  const out = {};
  phone.conn.pending().forEach(function (c) {
    (out[c.ctx] = out[c.ctx] || []).push(c);
  });
  pend = out;
}

/** @returns {boolean} whether the facilitator has stopped the board */
export function isLocked() {
  return !!phone.board.workshop.locked;
}

/** @returns {Object<string, any>} the workshop's vote settings */
export function settings() {
  return phone.board.workshop.settings || {};
}

/** @returns {Object<string, any>} this participant as the server sees them ({} before the
 * first snapshot) */
export function me() {
  return phone.board.me || {};
}

/**
 * @param {string} field a list in `me`
 * @param {string} id
 * @returns {boolean}
 */
export function meHas(field, id) {
  const list = me()[field];
  return Array.isArray(list) && list.indexOf(id) >= 0;
}

/**
 * @param {string} kind
 * @returns {Map<string, Item>}
 */
export function items(kind) {
  return phone.board.collections[kind] || new Map();
}

/**
 * @param {string} name a command name
 * @returns {number} how many commands of that name wait to be sent or answered
 */
export function pendingCount(name) {
  return phone.conn.pending().filter(function (c) { return c.name === name; }).length;
}

/**
 * @param {string} kind note | theme
 * @param {string} id
 * @returns {boolean} whether the projector shows this large now
 */
export function isFocus(kind, id) {
  const focus = phone.board.workshop.focus;
  return !!focus && focus.kind === kind && focus.id === id;
}

/**
 * Send a command from a control; its error will be shown on that control's line.
 * @param {string} name
 * @param {Object<string, any>} args
 * @param {string} ctx
 */
export function send(name, args, ctx) {
  phone.errors.clear(ctx);
  phone.stepError.textContent = '';
  phone.conn.command(name, args, ctx);
  phone.render();
}

/**
 * Refuse at once, on the control's line, what the server would refuse anyway.
 * @param {string} ctx
 * @param {string} message
 */
export function refuse(ctx, message) {
  phone.errors.set(ctx, message);
  phone.render();
}

// --- what this phone made, on its way ----------------------------------------------------------

/**
 * What this phone creates (a note, a review) reaches the board as the server's event
 * before the command's ack comes: for that moment it is both on the board and in the queue.
 * Arrivals tells which queued commands have their item on the board already, so that each
 * is drawn once: a command is paired with the oldest item of mine, matching it, that was
 * not mine when it was sent (the event carries no command id).
 */
export class Arrivals {
  /**
   * @param {string} name the command that creates one (post_note, post_review)
   * @param {function(): Array<Item>} mine my items on the board, oldest first
   * @param {function(Item, Command): boolean} matches whether an item may be a command's
   */
  constructor(name, mine, matches) {
    this.name = name;
    this.mine = mine;
    this.matches = matches;
    /** My items' ids when each command was sent, by command id.
     * @type {Object<string, Object<string, boolean>>} */
    this.before = {};
  }

  /** @returns {Object<string, boolean>} the ids of my items now */
  ids() {
    /** @type {Object<string, boolean>} */
    const ids = {};
    this.mine().forEach(function (item) { ids[String(item.id)] = true; });
    return ids;
  }

  /** @param {Command} cmd a command of this kind, just sent */
  sent(cmd) {
    this.before[cmd.id] = this.ids();
  }

  /**
   * @param {Array<Command>} queue the commands waiting for their answer
   * @returns {Object<string, boolean>} the ids of those whose item is on the board
   */
  arrived(queue) {
    const self = this;
    /** @type {Object<string, boolean>} */
    const waiting = {};
    queue.forEach(function (c) { waiting[c.id] = true; });
    Object.keys(this.before).forEach(function (id) {
      if (!waiting[id]) {
        delete self.before[id]; // answered
      }
    });
    /** @type {Object<string, boolean>} */
    const arrived = {};
    /** @type {Object<string, boolean>} */
    const claimed = {};
    const mine = this.mine();
    queue.forEach(function (cmd) {
      if (cmd.name !== self.name) {
        return;
      }
      // A command kept from before a reload: what is mine now was there before it.
      const known = self.before[cmd.id] || (self.before[cmd.id] = self.ids());
      const item = mine.filter(function (i) {
        return !known[i.id] && !claimed[i.id] && self.matches(i, cmd);
      })[0];
      if (item) {
        claimed[item.id] = true;
        arrived[cmd.id] = true;
      }
    });
    return arrived;
  }
}

// --- the pieces of a card ---------------------------------------------------------------------

/**
 * @param {string} label
 * @param {string} kind primary | secondary | danger (and more classes)
 * @param {function(): void} onClick
 * @param {string} [fk] its focus key within its card
 * @returns {HTMLButtonElement}
 */
export function button(label, kind, onClick, fk) {
  const b = /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
    class: 'button ' + kind, text: label, 'data-fk': fk}));
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A button that sends something: off while the board is stopped or its command is on
 * its way.
 * @param {string} label
 * @param {string} kind button classes
 * @param {string} fk its name within its card (focus comes back to it after a redraw)
 * @param {boolean} busy
 * @param {function(): void} onClick
 * @returns {HTMLButtonElement}
 */
export function sendButton(label, kind, fk, busy, onClick) {
  const b = button(label, kind, onClick, fk);
  b.disabled = busy || isLocked();
  return b;
}

/**
 * @template {HTMLElement} T
 * @param {T} b a button that sends something
 * @returns {T} the same, off while the board is stopped
 */
export function lockable(b) {
  /** @type {any} */ (b).disabled = isLocked();
  return b;
}

/**
 * The line under a card that says what went wrong with it (empty when nothing did).
 * @param {string} ctx
 * @returns {HTMLElement}
 */
export function errorLine(ctx) {
  return phone.errors.line(ctx);
}

/** @returns {HTMLElement} "送っています…" */
export function sendingLine() {
  return el('p', {class: 'sending', text: t('phone.sending')});
}

/**
 * The buttons under an inline edit form: save (the form's submit) and cancel.
 * @param {function(): void} onCancel
 * @returns {HTMLElement}
 */
export function saveOrCancel(onCancel) {
  return el('div', {class: 'actions'}, [
    lockable(el('button', {type: 'submit', class: 'button primary', 'data-fk': 'save',
      text: t('note.save')})),
    button(t('note.cancel'), 'secondary', onCancel, 'cancel')
  ]);
}

/**
 * A mark with an icon and words (never colour alone).
 * @param {string} iconName
 * @param {string} text
 * @param {string} className
 * @returns {HTMLElement}
 */
export function mark(iconName, text, className) {
  return el('p', {class: className}, [icon(iconName), el('span', {text: text})]);
}

/**
 * Highlight a card the projector shows large now.
 * @param {HTMLElement} card
 */
export function markFocus(card) {
  card.classList.add('is-focus');
  card.insertBefore(mark('screen', t('phone.focus'), 'focus-mark'), card.firstChild);
}

/**
 * The theme a card belongs to: "輪" and its title.
 * @param {string} title
 * @param {string} tag h3 for a card's heading, p for a line
 * @returns {HTMLElement}
 */
export function themeHead(title, tag) {
  return el('div', {class: tag === 'h3' ? 'theme-head' : 'theme-head inline'}, [
    el('span', {class: 'theme-word'}, [icon('theme'), el('span', {text: t('theme.label')})]),
    userText(tag, title, tag === 'h3' ? 'card-title' : 'theme-title')
  ]);
}

/**
 * Build a card only when what it shows changed: ``sig`` is a string of everything it
 * shows (kept on the node as data-sig). A card the person is composing a word in is kept
 * until the word is finished (phone.js draws again then).
 * @param {(HTMLElement|undefined)} before
 * @param {string} sig
 * @param {function(): HTMLElement} build
 * @returns {HTMLElement}
 */
export function cached(before, sig, build) {
  if (before && (before.getAttribute('data-sig') === sig || typingIn(before))) {
    return before;
  }
  const node = build();
  node.setAttribute('data-sig', sig);
  return node;
}

// --- forms --------------------------------------------------------------------------------------

/**
 * @param {(HTMLFormElement|HTMLElement)} form
 * @param {string} name
 * @returns {string} the value of the checked radio button, or ''
 */
export function checkedValue(form, name) {
  const box = /** @type {(HTMLInputElement|null)} */ (form.querySelector(
    'input[name="' + name + '"]:checked'));
  return box ? box.value : '';
}

/**
 * @param {(HTMLFormElement|HTMLElement)} form
 * @param {string} name
 * @param {string} value
 */
export function checkValue(form, name, value) {
  Array.prototype.forEach.call(form.querySelectorAll('input[name="' + name + '"]'),
    function (/** @type {HTMLInputElement} */ box) { box.checked = box.value === value; });
}

/**
 * Say 「貼りました ✓」 (「送りました ✓」) by a form's send button when the server has what the
 * form sent, unless the next one is being written already: it is old news then, and the line,
 * appearing above the button, would move the button from under a thumb about to press it.
 * (A press begun on the button and ended beside it is no click: the next note was not sent.
 * The answer can come that late on an old phone or in a busy room.)
 * @param {HTMLElement} line the form's done line
 * @param {(HTMLTextAreaElement|HTMLInputElement)} box the form's text box
 * @param {string} words
 */
export function sayDone(line, box, words) {
  if (!box.value) {
    line.textContent = words;
  }
}

/**
 * Say how many characters are left in a text box (counted as the server counts them).
 * @param {(HTMLTextAreaElement|HTMLInputElement)} box
 * @param {HTMLElement} counter
 * @param {number} max
 */
export function showLeft(box, counter, max) {
  const left = max - characters(box.value.trim()).length;
  counter.textContent = left >= 0 ? t('note.chars_left', {n: left})
    : t('note.chars_over', {n: -left});
  counter.classList.toggle('over', left < 0);
}

// --- two-part views -----------------------------------------------------------------------------

/** The part of each two-part view the reader is looking at ('' until chosen; a new step
 * chooses again). @type {Object<string, string>} */
export const tabs = {companions: '', activity: '', future: ''};

/**
 * The part of a two-part view on the screen; the first time, the one ``choose`` picks.
 * @param {string} view
 * @param {function(): string} choose
 * @returns {string}
 */
export function tabOf(view, choose) {
  if (tabs[view]) {
    return tabs[view];
  }
  const tab = choose();
  if (phone.board.ready) {
    tabs[view] = tab; // chosen once the board is known; then only the reader changes it
  }
  return tab;
}

/**
 * Show one part of a two-part view and mark its switch.
 * @param {string} view
 * @param {string} tab
 */
export function showTab(view, tab) {
  const box = /** @type {HTMLElement} */ (document.getElementById('view-' + view));
  Array.prototype.forEach.call(box.querySelectorAll('[data-tab]'),
    function (/** @type {HTMLElement} */ b) {
      const name = b.getAttribute('data-tab') || '';
      b.setAttribute('aria-pressed', name === tab ? 'true' : 'false');
      const part = document.getElementById('part-' + name);
      if (part) {
        part.hidden = name !== tab;
      }
    });
}

/**
 * The switches of a two-part view choose its part.
 * @param {string} view
 */
export function setupTabs(view) {
  const box = /** @type {HTMLElement} */ (document.getElementById('view-' + view));
  Array.prototype.forEach.call(box.querySelectorAll('.tabs'),
    function (/** @type {HTMLElement} */ bar) {
      bar.addEventListener('click', function (ev) {
        const target = /** @type {HTMLElement} */ (ev.target);
        const b = target.closest ? target.closest('[data-tab]') : null;
        if (b) {
          tabs[view] = b.getAttribute('data-tab') || '';
          phone.render();
        }
      });
    });
}

/**
 * 「輪」 and a theme's title, on one line.
 * @param {string} title
 * @returns {HTMLElement}
 */
export function themeLine(title) {
  return el('div', {class: 'theme-head'}, [
    el('span', {class: 'theme-word'}, [icon('theme'), el('span', {text: t('host.theme')})]),
    userText('h4', title, 'card-title')]);
}
