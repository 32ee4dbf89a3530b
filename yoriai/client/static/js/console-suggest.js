// まとめ方の提案 on the console's theme-sorting workspace: groups of alike unsorted notes the
// server suggests (docs/protocol.md §10), each with a suggested title and its notes. The
// facilitator accepts one in one click (create_theme with note_ids: a theme with those
// notes), edits its title first, or dismisses it. Nothing is grouped without them, and only
// this console asks: phones and the projector never see a suggestion.
//
// The console asks (a "suggest" message) only while the box is open and the themes
// workspace is shown, for the table whose board is open there, else the room's; it asks
// again on every new socket (after a welcome). A dismissed group stays dismissed, in this
// browser tab, for as long as its set of notes is the same.

import {t, el, byId} from './page.js';
import {userText} from './ui.js';
import {conn, board, state, send, busy} from './console-core.js';
import {boardTable} from './console-table-board.js';
import {limit} from './vocab.js';

const CTX = 'suggest';
const DISMISSED_KEY = 'yoriai.suggest.dismissed.' + conn.code;

/**
 * @typedef {{note_ids: Array<string>, title: string}} Group
 * @typedef {{table: (string|null), seq: number, groups: Array<Group>}} Answer
 */

/** The last answer (null: none yet for what is asked). @type {(Answer|null)} */
let answer = null;
/** Whether the facilitator opened the box. */
let open = false;
/** What this socket was last asked for: the table ('' the room's), or null (nothing). */
let asked = /** @type {(string|null)} */ (null);
/** The socket it was asked on: a new one must be asked again. @type {(WebSocket|null)} */
let askedOn = null;
/** Titles being edited, by the group's key. @type {Object<string, string>} */
const titles = {};

/** @param {Array<string>} ids @returns {string} a group's key: its notes, in order */
function keyOf(ids) {
  return ids.slice().sort().join(',');
}

/** @returns {Object<string, boolean>} */
function dismissed() {
  try {
    return JSON.parse(sessionStorage.getItem(DISMISSED_KEY) || '{}') || {};
  } catch (e) {
    return {};
  }
}

/** @param {string} key */
function dismiss(key) {
  const all = dismissed();
  all[key] = true;
  try {
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(all));
  } catch (e) {
    // A full or disabled storage: dismissed until the page is reloaded.
  }
}

/** Ask the server for what the box needs now (or stop asking). */
function ask() {
  const want = open && state.view === 'themes' ? boardTable() : null;
  if (want === asked && conn.ws === askedOn) {
    return;
  }
  const sent = want === null
    ? (asked === null || conn.sendRaw({type: 'suggest', stop: true}))
    : conn.sendRaw({type: 'suggest', table: want || null});
  if (sent) {
    if (want !== asked) {
      answer = null;
    }
    asked = want;
    askedOn = conn.ws;
  }
}

/**
 * The groups worth showing: not dismissed, with their notes still unsorted on this board.
 * @returns {Array<Group>}
 */
function shown() {
  if (!answer) {
    return [];
  }
  const gone = dismissed();
  return answer.groups.map(function (g) {
    const ids = g.note_ids.filter(function (id) {
      const note = board.notes.get(id);
      return note && !note.theme;
    });
    return {note_ids: ids, title: g.title};
  }).filter(function (g) {
    return g.note_ids.length >= 2 && !gone[keyOf(g.note_ids)];
  });
}

/** @param {HTMLElement} box the mount element of console.html */
function setup(box) {
  const toggle = /** @type {HTMLButtonElement} */ (el('button', {
    type: 'button', id: 'suggest-toggle', class: 'button secondary small',
    'aria-expanded': 'false', 'aria-controls': 'suggest-body', 'data-fk': 'suggest-toggle'}));
  const status = el('p', {id: 'suggest-status', class: 'hint', role: 'status'});
  const list = el('ul', {id: 'suggest-list', class: 'suggest-list'});
  const body = el('div', {id: 'suggest-body', hidden: true}, [
    el('p', {class: 'hint', text: t('console.suggest.hint')}),
    el('p', {id: 'suggest-error', class: 'form-error', role: 'alert', 'data-error-for': CTX}),
    status, list]);
  box.replaceChildren(el('h3', {id: 'suggest-title', class: 'tool-title',
    text: t('console.suggest.title')}), toggle, body);
  box.setAttribute('aria-labelledby', 'suggest-title');

  toggle.addEventListener('click', function () {
    open = !open;
    draw();
  });

  /** @param {Group} g @returns {HTMLElement} */
  function card(g) {
    const key = keyOf(g.note_ids);
    const field = 'suggest-name-' + key.replace(/[^a-z0-9]/gi, '-');
    const name = /** @type {HTMLInputElement} */ (el('input', {
      id: field, type: 'text', class: 'user-text', dir: 'auto',
      maxlength: String(limit('THEME_TITLE_MAX_CHARS') + 10), 'data-fk': field}));
    name.value = titles[key] !== undefined ? titles[key] : g.title;
    name.addEventListener('input', function () { titles[key] = name.value; });
    const accept = /** @type {HTMLButtonElement} */ (el('button', {
      type: 'button', class: 'button primary small suggest-accept',
      text: t('console.suggest.accept'), disabled: busy(CTX)}));
    accept.addEventListener('click', function () {
      send('create_theme', {title: name.value, note_ids: g.note_ids}, CTX, {
        ok: function () { delete titles[key]; draw(); },
        fail: draw,
      });
      draw();
    });
    const drop = el('button', {type: 'button', class: 'button secondary small suggest-dismiss',
      text: t('console.suggest.dismiss')});
    drop.addEventListener('click', function () {
      dismiss(key);
      draw();
    });
    const notes = el('ul', {class: 'suggest-notes'}, g.note_ids.map(function (id) {
      const note = board.notes.get(id);
      return userText('li', note ? note.text : '', 'suggest-note');
    }));
    return el('li', {class: 'suggest-group', 'data-key': key}, [
      el('label', {class: 'field-label', for: field, text: t('console.suggest.name')}), name,
      el('p', {class: 'hint', text: t('board.count', {n: g.note_ids.length})}),
      notes, el('p', {class: 'bar-row'}, [accept, drop])]);
  }

  let drawn = '';
  function draw() {
    ask();
    toggle.textContent = open ? t('console.suggest.hide') : t('console.suggest.show');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    body.hidden = !open;
    box.classList.toggle('is-open', open);
    if (!open) {
      return;
    }
    const groups = shown();
    status.textContent = !answer ? t('console.suggest.waiting')
      : groups.length ? t('console.suggest.count', {n: groups.length})
        : t('console.suggest.none');
    // Rebuilt only when what it shows changed: a redraw never loses a title being typed.
    const sig = JSON.stringify([groups, busy(CTX), answer && answer.seq]);
    if (sig === drawn) {
      return;
    }
    drawn = sig;
    const active = document.activeElement;
    const fk = active instanceof HTMLElement ? active.getAttribute('data-fk') : null;
    list.replaceChildren.apply(list, groups.map(card));
    if (fk) {
      const again = list.querySelector('[data-fk="' + fk + '"]');
      if (again instanceof HTMLElement) {
        again.focus();
      }
    }
  }

  // Suggestions are not board state: taken from the connection before the board sees them
  // (the board ignores message types it does not know).
  const inner = conn.handler;
  conn.handler = function (/** @type {Object<string, any>} */ msg) {
    if (msg.type === 'suggestions') {
      if (asked !== null && (msg.table || '') === asked) {
        answer = /** @type {Answer} */ (msg);
        draw();
      }
      return;
    }
    inner(msg);
  };
  board.listen(draw);
  // The workspace and the table's board change on a click or a key (the tabs' arrows), not
  // on the board: look again after each, once the console has drawn.
  document.addEventListener('click', function () { window.setTimeout(draw, 0); });
  document.addEventListener('keyup', function () { window.setTimeout(draw, 0); });
  draw();
}

const mount = byId('console-suggest');
if (mount) {
  setup(mount);
}
