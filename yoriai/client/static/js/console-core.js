// What every part of the facilitator's console shares: the one connection and board, the
// state of the page itself (which workspace is open, whose notes the facilitator is
// entering, half-typed drafts, the errors to show next to the control that caused them),
// and a few builders for the controls every panel uses.
//
// Each panel (console-steer.js, console-notes.js, …) draws from the board and this state;
// console.js wires the answers from the server back to them. A command carries a "ctx"
// naming the control that sent it, so that its error lands beside that control.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {t, el, byId, Errors, FocusKeeper, typingIn, onComposed} from './page.js';
import {reconcile, userText} from './ui.js';
import {views} from './vocab.js';

/**
 * @typedef {import('./conn.js').Command} Command
 * @typedef {Object<string, any>} Item one view from the board (note, theme, action, …)
 * @typedef {{ok?: function(Object<string, any>): void, fail?: function(Object<string, any>): void}}
 *   Callbacks what to do when a command is acknowledged or refused
 */

const body = document.body;

/** The page's language: the catalogue's words and the server's messages are in it. */
export const lang = document.documentElement.getAttribute('lang') || 'ja';

export const conn = new Connection({code: body.getAttribute('data-code') || '',
  key: body.getAttribute('data-key') || '', lang: lang});
export const board = new Board(conn);

/**
 * The page's own state; nothing here is shared with other devices.
 */
export const state = {
  /** The open workspace: one of the views a step shows (vocab.js views()), or the tables'. */
  view: views()[0],
  /** The step last seen, so that the workspace follows when the step changes. @type {(string|null)} */
  seenStep: /** @type {(string|null)} */ (null),
  /** 代理入力: the participant (without a phone) the facilitator is entering for. @type {(string|null)} */
  proxy: /** @type {(string|null)} */ (null),
  /** Half-typed forms by key, so that a redraw never loses them. @type {Object<string, any>} */
  drafts: /** @type {Object<string, any>} */ ({}),
  /** Which item is open for editing, or asking to confirm, by key. @type {Object<string, string>} */
  open: /** @type {Object<string, string>} */ ({}),
};

/** The errors of the controls, by their ctx, each shown on its line (page.js Errors); one
 * whose line is not on the screen goes on top of the page, so that no refusal goes unseen. */
export const errors = new Errors(byId('global-error'));

/** Where the focus goes after a drawing (page.js FocusKeeper): ask(fk) for the control
 * that should have it once drawn; a control a redraw rebuilt gets the focus back. */
export const focusKeeper = new FocusKeeper();

const hooks = {render: function () {}};
/** @type {Object<string, Callbacks>} */
const callbacks = {};

/** @param {function(): void} fn the page's (debounced) redraw */
export function setRender(fn) {
  hooks.render = fn;
}

/** Ask for a redraw before the next paint. */
export function render() {
  hooks.render();
}

/**
 * Send a command from the control named ``ctx``; its error will be shown there.
 * @param {string} name
 * @param {Object<string, any>} args
 * @param {string} ctx
 * @param {Callbacks} [then]
 * @returns {Command}
 */
export function send(name, args, ctx, then) {
  errors.clear(ctx);
  const cmd = conn.command(name, args, ctx);
  if (then) {
    callbacks[cmd.id] = then;
  }
  render();
  return cmd;
}

/**
 * Send a participant's command: for the person being entered for (代理入力) when there is
 * one. Commands only a participant may send are refused without one; the error says so.
 * @param {string} name
 * @param {Object<string, any>} args
 * @param {string} ctx
 * @param {Callbacks} [then]
 * @returns {Command}
 */
export function sendAs(name, args, ctx, then) {
  const withProxy = Object.assign({}, args);
  if (state.proxy) {
    withProxy.proxy_for = state.proxy;
  }
  return send(name, withProxy, ctx, then);
}

/**
 * The server answered a command: forget or keep its error, run its callbacks.
 * @param {(Command|null)} cmd
 * @param {Object<string, any>} msg the ack, or the error
 * @param {(string|null)} error the readable message when it was refused
 * @returns {boolean} whether the command was this page's
 */
export function answered(cmd, msg, error) {
  if (!cmd) {
    return false;
  }
  const then = callbacks[cmd.id];
  delete callbacks[cmd.id];
  if (error === null) {
    errors.clear(cmd.ctx);
    if (then && then.ok) {
      then.ok(msg.result || {});
    }
  } else {
    errors.set(cmd.ctx, error);
    if (then && then.fail) {
      then.fail(msg);
    }
  }
  return true;
}

/**
 * @param {string} ctx
 * @returns {boolean} whether a command from this control waits for its answer
 */
export function busy(ctx) {
  return conn.pending().some(function (c) { return c.ctx === ctx; });
}

/**
 * What a setting is about to be: the value in the newest unanswered command that sets it,
 * else undefined (a ticked box stays ticked while its command is on its way).
 * @param {string} name the command
 * @param {string} key its argument
 * @returns {*}
 */
export function pendingArg(name, key) {
  let value;
  conn.pending().forEach(function (c) {
    if (c.name === name && Object.prototype.hasOwnProperty.call(c.args, key)) {
      value = c.args[key];
    }
  });
  return value;
}

/**
 * A button. ``fk`` is its focus key: after a redraw the same control gets the focus back.
 * @param {string} text
 * @param {function(MouseEvent): void} onClick
 * @param {{kind?: string, fk?: string, disabled?: boolean, pressed?: (boolean|null),
 *   label?: string, small?: boolean}} [opts]
 * @returns {HTMLButtonElement}
 */
export function button(text, onClick, opts) {
  const o = opts || {};
  const b = /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
    class: 'button ' + (o.kind || 'secondary') + (o.small === false ? '' : ' small'),
    text: text, 'data-fk': o.fk, disabled: !!o.disabled, 'aria-label': o.label,
    'aria-pressed': o.pressed === undefined || o.pressed === null ? null
      : (o.pressed ? 'true' : 'false')}));
  b.addEventListener('click', onClick);
  return b;
}

/**
 * A text box whose value lives in ``state.drafts[key][field]`` as it is typed.
 * @param {string} key
 * @param {string} field
 * @param {{label: string, multiline?: boolean, rows?: number, initial?: string,
 *   maxlength?: number, type?: string, id?: string, placeholder?: string}} opts
 * @returns {{label: HTMLElement, input: (HTMLInputElement|HTMLTextAreaElement)}}
 */
export function draftInput(key, field, opts) {
  const draft = state.drafts[key] || (state.drafts[key] = {});
  if (draft[field] === undefined) {
    draft[field] = opts.initial || '';
  }
  const id = opts.id || ('f-' + key + '-' + field).replace(/[^\w-]/g, '-');
  const isText = !opts.type || opts.type === 'text';
  const input = /** @type {(HTMLInputElement|HTMLTextAreaElement)} */ (opts.multiline
    ? el('textarea', {id: id, rows: opts.rows || 3, dir: 'auto', class: 'user-text',
      maxlength: opts.maxlength, 'data-fk': id, placeholder: opts.placeholder})
    : el('input', {id: id, type: opts.type || 'text', dir: isText ? 'auto' : null,
      class: isText ? 'user-text' : null, maxlength: opts.maxlength, 'data-fk': id,
      placeholder: opts.placeholder}));
  input.value = draft[field];
  input.addEventListener('input', function () {
    draft[field] = input.value;
  });
  return {label: el('label', {class: 'field-label', for: id, text: opts.label}), input: input};
}

/**
 * Forget a form's draft (after it was sent, or given up).
 * @param {string} key
 */
export function dropDraft(key) {
  delete state.drafts[key];
}

// A node the person is composing a word in (a Japanese input method) is kept as it is
// (page.js typingIn); what waited for the word is drawn when it is finished.
onComposed(function () { render(); });

/**
 * Put items into a container, rebuilding an item's node only when its signature changed.
 * @template T
 * @param {HTMLElement} container
 * @param {Array<T>} items
 * @param {function(T): string} keyOf
 * @param {function(T): string} sigOf
 * @param {function(T): HTMLElement} build
 */
export function keyed(container, items, keyOf, sigOf, build) {
  reconcile(container, items, keyOf, function (item, before) {
    const sig = sigOf(item);
    if (before && (before.getAttribute('data-sig') === sig || typingIn(before))) {
      return before;
    }
    const node = build(item);
    node.setAttribute('data-sig', sig);
    return node;
  });
}

/**
 * The participant's name, for "entering for …" and the role board.
 * @param {(string|null|undefined)} pid
 * @returns {string}
 */
export function personName(pid) {
  const p = pid ? board.participants.get(pid) : null;
  return p ? p.name : '';
}

/** @returns {(Item|null)} the person being entered for, while they still exist */
export function proxyPerson() {
  if (!state.proxy) {
    return null;
  }
  const p = board.participants.get(state.proxy);
  return p || null;
}

/** @returns {string} what a signature must include about the 代理入力 mode */
export function proxySig() {
  const p = proxyPerson();
  return p ? JSON.stringify([p.id, p.name, p.votes_used, p.votes, p.priority]) : '';
}

/**
 * The theme's title, or '' when it is gone.
 * @param {(string|null|undefined)} themeId
 * @returns {string}
 */
export function themeTitle(themeId) {
  const theme = themeId ? board.collections.themes.get(themeId) : null;
  return theme ? String(theme.title) : '';
}

/** @returns {Array<Item>} every note this console sees, in the order they were made */
export function allNotes() {
  return Array.from(board.collections.notes.values());
}

/**
 * @param {string} id
 * @returns {(Item|undefined)} the note, while it exists
 */
export function noteOf(id) {
  return board.collections.notes.get(id);
}

/** @returns {Array<Item>} the themes in the order they were made */
export function themes() {
  return Array.from(board.collections.themes.values());
}

/**
 * A short text for a title made from a note (a theme made by dropping a note).
 * @param {string} text
 * @param {number} max
 * @returns {string}
 */
export function shorten(text, max) {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…';
}

/**
 * A fact of a card: a term and what it is ('—' when empty).
 * @param {string} term
 * @param {(string|Node)} value
 * @returns {Array<HTMLElement>}
 */
export function fact(term, value) {
  const dd = el('dd');
  if (typeof value === 'string') {
    dd.appendChild(value ? userText('span', value) : el('span', {class: 'empty', text: '—'}));
  } else {
    dd.appendChild(value);
  }
  return [el('dt', {text: term}), dd];
}

/**
 * @param {HTMLElement} dl
 * @param {Array<HTMLElement>} pair
 */
export function addFact(dl, pair) {
  dl.appendChild(pair[0]);
  dl.appendChild(pair[1]);
}

/**
 * A heading and a count for a panel part.
 * @param {string} tag
 * @param {string} text
 * @param {string} [count]
 * @returns {HTMLElement}
 */
export function heading(tag, text, count) {
  return el(tag, {}, [text, count ? el('span', {class: 'count', text: ' ' + count}) : null]);
}

/** The console's own workspace of the tables (班), beside the views a step shows. */
export const TABLES_VIEW = 'tables';
/** The map's workspace (地図, console-map.js); its tab shows only while there is a map to
 * work on or to add (the tab's hidden attribute). */
export const MAP_VIEW = 'map';

/** @returns {Array<string>} the workspaces, in the order of their tabs */
export function workspaces() {
  return views().concat([TABLES_VIEW, MAP_VIEW]);
}

/**
 * Open another workspace.
 * @param {string} view
 */
export function openView(view) {
  if (workspaces().indexOf(view) >= 0) {
    state.view = view;
    render();
  }
}

/**
 * A short label saying what the projector is showing large (or null).
 * @param {string} kind
 * @param {string} id
 * @returns {boolean}
 */
export function inFocus(kind, id) {
  const focus = board.workshop.focus;
  return !!focus && focus.kind === kind && focus.id === id;
}

/**
 * The projector button of a note, a theme or a table: show it large, or stop.
 * @param {string} kind
 * @param {string} id
 * @param {string} ctx
 * @param {boolean} [disabled]
 * @param {string} [what] what it shows, for a screen reader (「2班」): one of many such
 *   buttons says which
 * @returns {HTMLButtonElement}
 */
export function focusButton(kind, id, ctx, disabled, what) {
  const on = inFocus(kind, id);
  return button(t(on ? 'console.focus.stop' : 'console.focus.show'), function () {
    send('set_focus', on ? {kind: null} : {kind: kind, id: id}, ctx);
  }, {fk: 'focus:' + kind + ':' + id, pressed: on, disabled: disabled,
    label: what ? t(on ? 'console.focus.stop_label' : 'console.focus.show_label',
      {what: what}) : undefined});
}
