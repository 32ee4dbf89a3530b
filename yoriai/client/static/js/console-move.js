// Sorting notes into themes (step 2): a note as a card to sort, and three ways to move it,
// all sending the same command:
// - drag it with a mouse (the whole card) or a finger or pen (its 「移動」 grip), built on
//   Pointer Events, since HTML5 drag and drop does not work with touch;
// - press its 「移動」 button (Enter or Space, or a click) for a menu of destinations,
//   walked with the arrow keys (the WAI-ARIA menu button pattern);
// - drop it on 「新しいテーマ」 to make a theme of it.
// While a drag is under way the board is not redrawn (the card under the finger must not
// move); what arrived meanwhile is drawn at the drop.

import {t, el, byId} from './page.js';
import {userText, kindBadge} from './ui.js';
import {
  board, state, send, render, themes, shorten, noteOf, errors, focusKeeper
} from './console-core.js';
import {limit} from './vocab.js';

/** @typedef {import('./console-core.js').Item} Item */

// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 6;
// Near the window's top or bottom edge a drag scrolls the page, this much per move.
const EDGE_PX = 70;
const EDGE_STEP_PX = 24;
// How many characters of a note the move button's label for a screen reader repeats.
const LABEL_CHARS = 30;
const NEW_THEME = 'new';
/** Where a note that is in no theme is (the unsorted notes). */
export const UNSORTED = '';

/**
 * @typedef {{noteId: string, pointerId: number, x: number, y: number, dx: number, dy: number,
 *   source: HTMLElement, ghost: (HTMLElement|null), over: (HTMLElement|null)}} Drag
 */
/** @type {(Drag|null)} */
let drag = null;
/** A drag just ended: the click that follows it is not a click. */
let swallowClick = false;

// --- moving a note -------------------------------------------------------------------

/**
 * Where notes are about to be, counting the moves not yet acknowledged (so a dropped card
 * stays where it was dropped while the line is slow).
 * @returns {Object<string, (string|null)>} note id → theme id (null: unsorted)
 */
export function pendingMoves() {
  /** @type {Object<string, (string|null)>} */
  const moves = {};
  board.conn.pending().forEach(function (cmd) {
    if (cmd.name === 'group_note' && typeof cmd.args.note_id === 'string') {
      moves[cmd.args.note_id] = cmd.args.theme_id || null;
    }
  });
  return moves;
}

/** @returns {Object<string, boolean>} notes on their way into a theme being made */
export function pendingNewThemes() {
  /** @type {Object<string, boolean>} */
  const making = {};
  board.conn.pending().forEach(function (cmd) {
    if (cmd.name === 'create_theme' && typeof cmd.args.note_id === 'string') {
      making[cmd.args.note_id] = true;
    }
  });
  return making;
}

/**
 * Move a note into a theme, back to the unsorted notes, or into a new theme.
 * @param {string} noteId
 * @param {string} target a theme id, UNSORTED or NEW_THEME
 */
function moveNote(noteId, target) {
  const note = noteOf(noteId);
  if (!note) {
    return;
  }
  const ctx = 'sort:' + noteId;
  if (target === NEW_THEME) {
    // The name typed in the new-theme box if there is one, else the note's own words
    // (renamed later with 「名前を変える」).
    const box = /** @type {HTMLInputElement} */ (byId('new-theme-title'));
    const title = box.value.trim() || shorten(String(note.text), limit('THEME_TITLE_MAX_CHARS'));
    box.value = '';
    send('create_theme', {title: title, note_id: noteId}, ctx);
    return;
  }
  const themeId = target === UNSORTED ? null : target;
  if ((note.theme || null) === themeId) {
    return;
  }
  send('group_note', {note_id: noteId, theme_id: themeId}, ctx);
}

// --- pointer dragging --------------------------------------------------------------------

/** @param {PointerEvent} ev */
function onPointerDown(ev) {
  const target = /** @type {HTMLElement} */ (ev.target);
  const card = /** @type {(HTMLElement|null)} */ (target.closest('.sort-card'));
  if (!card || ev.button !== 0 || drag) {
    return;
  }
  if (target.closest('[role="menu"], input, textarea, select')) {
    return;
  }
  // A finger on a card scrolls the page; only the grip drags.
  if (ev.pointerType !== 'mouse' && !target.closest('.drag-handle')) {
    return;
  }
  const box = card.getBoundingClientRect();
  drag = {noteId: card.getAttribute('data-note-id') || '', pointerId: ev.pointerId,
    x: ev.clientX, y: ev.clientY, dx: ev.clientX - box.left, dy: ev.clientY - box.top,
    source: card, ghost: null, over: null};
}

/** @param {PointerEvent} ev */
function onPointerMove(ev) {
  if (!drag || ev.pointerId !== drag.pointerId) {
    return;
  }
  if (!drag.ghost) {
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < DRAG_THRESHOLD_PX) {
      return;
    }
    startDrag();
  }
  ev.preventDefault();
  const ghost = /** @type {HTMLElement} */ (drag.ghost);
  ghost.style.transform = 'translate(' + (ev.clientX - drag.dx) + 'px, ' +
    (ev.clientY - drag.dy) + 'px)';
  const under = document.elementFromPoint(ev.clientX, ev.clientY);
  const zone = under ? /** @type {(HTMLElement|null)} */ (under.closest('[data-drop]')) : null;
  if (zone !== drag.over) {
    if (drag.over) {
      drag.over.classList.remove('drop-over');
    }
    if (zone) {
      zone.classList.add('drop-over');
    }
    drag.over = zone;
  }
  if (ev.clientY < EDGE_PX) {
    window.scrollBy(0, -EDGE_STEP_PX);
  } else if (ev.clientY > window.innerHeight - EDGE_PX) {
    window.scrollBy(0, EDGE_STEP_PX);
  }
}

function startDrag() {
  const d = /** @type {Drag} */ (drag);
  const ghost = /** @type {HTMLElement} */ (d.source.cloneNode(true));
  ghost.classList.add('drag-ghost');
  ghost.removeAttribute('data-key');
  ghost.setAttribute('aria-hidden', 'true');
  // A picture of the card, not a second card: no ids, no focus keys, no open menu.
  Array.prototype.forEach.call(ghost.querySelectorAll('[id], [data-fk], .move-menu'),
    function (/** @type {HTMLElement} */ node) {
      if (node.classList.contains('move-menu')) {
        node.remove();
        return;
      }
      node.removeAttribute('id');
      node.removeAttribute('data-fk');
    });
  ghost.style.width = d.source.getBoundingClientRect().width + 'px';
  document.body.appendChild(ghost);
  d.ghost = ghost;
  d.source.classList.add('is-dragging');
  document.body.classList.add('dragging');
  closeMenu(false);
}

/** @param {PointerEvent} ev */
function onPointerUp(ev) {
  if (!drag || ev.pointerId !== drag.pointerId) {
    return;
  }
  const d = drag;
  const zone = d.over;
  endDrag();
  if (d.ghost) {
    swallowClick = true;
    window.setTimeout(function () { swallowClick = false; }, 0);
    if (zone) {
      moveNote(d.noteId, zone.getAttribute('data-drop') || UNSORTED);
    }
    render();
  }
}

function endDrag() {
  if (!drag) {
    return;
  }
  if (drag.ghost && drag.ghost.parentNode) {
    drag.ghost.parentNode.removeChild(drag.ghost);
  }
  if (drag.over) {
    drag.over.classList.remove('drop-over');
  }
  drag.source.classList.remove('is-dragging');
  document.body.classList.remove('dragging');
  drag = null;
}

function cancelDrag() {
  const started = !!(drag && drag.ghost);
  endDrag();
  if (started) {
    render();
  }
}

// --- the keyboard's way: a menu of destinations -------------------------------------------

/**
 * @param {string} noteId
 * @returns {Array<{label: string, target: string}>}
 */
function destinations(noteId) {
  const note = noteOf(noteId);
  const current = note && note.theme ? note.theme : UNSORTED;
  /** @type {Array<{label: string, target: string}>} */
  const list = [];
  themes().forEach(function (theme) {
    if (theme.id !== current) {
      list.push({label: t('console.move.to', {title: theme.title}), target: theme.id});
    }
  });
  if (current !== UNSORTED) {
    list.push({label: t('console.move.unsorted'), target: UNSORTED});
  }
  list.push({label: t('console.move.new'), target: NEW_THEME});
  return list;
}

/** @param {string} noteId */
function openMenu(noteId) {
  state.open.menu = noteId;
  focusKeeper.ask('menu:' + noteId + ':0');
  render();
}

/** @param {boolean} refocus whether the focus goes back to the note's button */
function closeMenu(refocus) {
  const noteId = state.open.menu;
  if (!noteId) {
    return;
  }
  delete state.open.menu;
  if (refocus) {
    focusKeeper.ask('move:' + noteId);
  }
  render();
}

/**
 * @param {string} noteId
 * @returns {HTMLElement}
 */
function moveMenu(noteId) {
  const menu = el('ul', {class: 'move-menu', role: 'menu', id: 'menu-' + noteId,
    'aria-label': t('console.move.where')});
  const items = destinations(noteId);
  items.forEach(function (item, i) {
    const b = el('button', {type: 'button', role: 'menuitem', tabindex: '-1',
      class: 'move-item' + (item.target === NEW_THEME ? ' is-new' : ''),
      'data-fk': 'menu:' + noteId + ':' + i, dir: 'auto', text: item.label});
    b.addEventListener('click', function () {
      delete state.open.menu;
      focusKeeper.ask('move:' + noteId);
      moveNote(noteId, item.target);
      render();
    });
    menu.appendChild(el('li', {role: 'none'}, [b]));
  });
  menu.addEventListener('keydown', function (ev) {
    const buttons = Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]'));
    const at = buttons.indexOf(document.activeElement);
    let next = -1;
    if (ev.key === 'ArrowDown') {
      next = (at + 1) % buttons.length;
    } else if (ev.key === 'ArrowUp') {
      next = (at - 1 + buttons.length) % buttons.length;
    } else if (ev.key === 'Home') {
      next = 0;
    } else if (ev.key === 'End') {
      next = buttons.length - 1;
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      closeMenu(true);
      return;
    } else if (ev.key === 'Tab') {
      closeMenu(false);
      return;
    } else {
      return;
    }
    ev.preventDefault();
    buttons[next].focus();
  });
  return menu;
}

/**
 * @param {Item} note
 * @param {boolean} moving
 * @returns {string}
 */
export function cardSig(note, moving) {
  const menuOpen = state.open.menu === note.id;
  return JSON.stringify([note.id, note.kind, note.text, note.hidden, note.private,
    board.tallies[note.id] || 0, moving, errors.get('sort:' + note.id), menuOpen,
    menuOpen ? themes().map(function (th) { return [th.id, th.title]; }) : 0,
    menuOpen ? note.theme : 0]);
}

/**
 * A note as a card to sort.
 * @param {Item} note
 * @param {boolean} moving
 * @returns {HTMLElement}
 */
export function sortCard(note, moving) {
  const menuOpen = state.open.menu === note.id;
  const card = el('li', {class: 'sort-card note kind-' + note.kind +
    (note.hidden ? ' is-hidden' : '') + (moving ? ' is-moving' : ''),
  'data-note-id': note.id});
  const head = el('div', {class: 'note-head'}, [kindBadge(note.kind)]);
  const tally = board.tallies[note.id] || 0;
  if (tally) {
    head.appendChild(el('span', {class: 'tally', text: t('console.tally', {n: tally})}));
  }
  if (note.hidden) {
    head.appendChild(el('span', {class: 'note-tag', text: t('note.hidden')}));
  }
  if (moving) {
    head.appendChild(el('span', {class: 'note-tag', text: t('console.move.moving')}));
  }
  const move = el('button', {type: 'button', class: 'drag-handle',
    'aria-haspopup': 'menu', 'aria-expanded': menuOpen ? 'true' : 'false',
    'aria-controls': menuOpen ? 'menu-' + note.id : null, 'data-fk': 'move:' + note.id,
    'aria-label': t('console.move.label', {text: shorten(String(note.text), LABEL_CHARS)}),
    title: t('console.move.title')}, [
    el('span', {class: 'grip', 'aria-hidden': 'true', text: '⠿'}),
    el('span', {text: t('console.move.button')})
  ]);
  move.addEventListener('click', function () {
    if (swallowClick) {
      return;
    }
    if (state.open.menu === note.id) {
      closeMenu(true);
    } else {
      openMenu(note.id);
    }
  });
  head.appendChild(move);
  card.appendChild(head);
  card.appendChild(userText('p', String(note.text), 'note-text'));
  if (menuOpen) {
    card.appendChild(moveMenu(note.id));
  }
  card.appendChild(errors.line('sort:' + note.id));
  return card;
}

/** @returns {boolean} whether a card is being dragged (the board waits for the drop) */
export function dragging() {
  return !!(drag && drag.ghost);
}

/** Wire the pointer, the Escape key and clicks outside an open menu, once. */
export function setupMoving() {
  const area = byId('sort-board');
  area.addEventListener('pointerdown', onPointerDown);
  document.addEventListener('pointermove', onPointerMove, {passive: false});
  document.addEventListener('pointerup', onPointerUp);
  document.addEventListener('pointercancel', cancelDrag);
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && drag) {
      cancelDrag();
    }
  });
  // A click outside an open menu closes it.
  document.addEventListener('click', function (ev) {
    const target = /** @type {HTMLElement} */ (ev.target);
    if (state.open.menu && !target.closest('.move-menu, .drag-handle')) {
      closeMenu(false);
    }
  });

}
