// Sorting notes into themes (step 2): a note as a compact chip to sort, and the ways to
// move notes, all sending the same commands:
// - select chips (a click toggles one, a Shift-click takes the ones between too; the arrow
//   keys walk the chips and Space selects), then press a theme in the column that stays in
//   view, or 「→ テーマ」 for a menu of destinations: every selected note goes at once;
// - drag a chip with a mouse (the whole chip) or a finger or pen (its grip), built on
//   Pointer Events, since HTML5 drag and drop does not work with touch; a selected chip
//   takes the whole selection with it;
// - press a chip's grip (Enter or Space, or a click) for a menu of destinations for that
//   note alone, walked with the arrow keys (the WAI-ARIA menu button pattern);
// - drop it on 「新しいテーマ」 to make a theme of it.
// While a drag is under way the board is not redrawn (the chip under the finger must not
// move); what arrived meanwhile is drawn at the drop.

import {t, el, byId, icon} from './page.js';
import {userText} from './ui.js';
import {
  board, state, send, render, themes, shorten, noteOf, errors, focusKeeper
} from './console-core.js';
import {limit} from './vocab.js';
import {dragging, justDropped, pressing, setupDragging} from './console-drag.js';
import {boardTable, tableLabel} from './console-table-board.js';

export {dragging};

/** @typedef {import('./console-core.js').Item} Item */

// How many characters of a note the move button's label for a screen reader repeats.
const LABEL_CHARS = 30;
const NEW_THEME = 'new';
/** Where a note that is in no theme is (the unsorted notes). */
export const UNSORTED = '';


/** The selected notes, in the order they were selected. @type {Set<string>} */
const selection = new Set();
/** The chip a Shift-click selects from (the last one clicked). @type {(string|null)} */
let anchor = null;
/** The chip of each list that Tab lands on (one tab stop per list). @type {Object<string, string>} */
const rover = {};
const SELECTION_MENU = '*selection*';

/** @returns {Array<string>} the selected notes that still exist */
export function selected() {
  return Array.from(selection).filter(function (id) { return !!noteOf(id); });
}

/**
 * @param {string} noteId
 * @returns {boolean}
 */
export function isSelected(noteId) {
  return selection.has(noteId);
}

function clearSelection() {
  selection.clear();
  anchor = null;
}

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
 * A new theme's arguments: made from a note, it is that note's table's (or the table whose
 * board is open); an empty one, the open table's, else the room's.
 * @param {string} title
 * @param {Item} [note] the note it is made with
 * @returns {Object<string, any>}
 */
export function themeArgs(title, note) {
  /** @type {Object<string, any>} */
  const args = {title: title};
  if (note) {
    args.note_id = note.id;
  }
  const table = boardTable() || (note && note.table) || null;
  if (table) {
    args.table_id = table;
  }
  return args;
}

/**
 * Move several notes at once: into a theme, back to the unsorted notes, or into a new
 * theme made with the first of them (the others follow once it exists).
 * @param {Array<string>} noteIds
 * @param {string} target a theme id, UNSORTED or NEW_THEME
 */
export function moveMany(noteIds, target) {
  const ids = noteIds.filter(function (id) { return !!noteOf(id); });
  noteIds.forEach(function (id) { selection.delete(id); });
  anchor = null;
  if (!ids.length) {
    render();
    return;
  }
  if (target === NEW_THEME && ids.length > 1) {
    const first = noteOf(ids[0]);
    const box = /** @type {HTMLInputElement} */ (byId('new-theme-title'));
    const title = box.value.trim() ||
      shorten(String(first ? first.text : ''), limit('THEME_TITLE_MAX_CHARS'));
    box.value = '';
    send('create_theme', themeArgs(title, first), 'sort', {ok: function (result) {
      if (result.theme_id) {
        ids.slice(1).forEach(function (id) {
          send('group_note', {note_id: id, theme_id: result.theme_id}, 'sort');
        });
      }
    }});
    return;
  }
  ids.forEach(function (id) { moveNote(id, target, ids.length > 1 ? 'sort' : null); });
  render();
}

/**
 * Move a note into a theme, back to the unsorted notes, or into a new theme.
 * @param {string} noteId
 * @param {string} target a theme id, UNSORTED or NEW_THEME
 * @param {(string|null)} [shared] the control whose error line says what went wrong
 *   (the selection's, for a group), else the note's own
 */
function moveNote(noteId, target, shared) {
  const note = noteOf(noteId);
  if (!note) {
    return;
  }
  const ctx = shared || 'sort:' + noteId;
  if (target === NEW_THEME) {
    // The name typed in the new-theme box if there is one, else the note's own words
    // (renamed later with 「名前を変える」).
    const box = /** @type {HTMLInputElement} */ (byId('new-theme-title'));
    const title = box.value.trim() || shorten(String(note.text), limit('THEME_TITLE_MAX_CHARS'));
    box.value = '';
    send('create_theme', themeArgs(title, note), ctx);
    return;
  }
  const themeId = target === UNSORTED ? null : target;
  if ((note.theme || null) === themeId) {
    return;
  }
  send('group_note', {note_id: noteId, theme_id: themeId}, ctx);
}

/**
 * A chip dropped on a theme, the unsorted notes or 「新しいテーマ」: a selected chip takes
 * the whole selection with it.
 * @param {string} noteId
 * @param {string} where the zone's data-drop (a theme id, UNSORTED or NEW_THEME)
 */
function dropNote(noteId, where) {
  if (selection.has(noteId) && selection.size > 1) {
    moveMany(selected(), where);
  } else {
    selection.delete(noteId);
    moveNote(noteId, where);
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

/** @returns {Array<{label: string, target: string}>} where the selection may go */
function selectionDestinations() {
  /** @type {Array<{label: string, target: string}>} */
  const list = themes().map(function (theme) {
    return {label: t('console.move.to', {title: theme.title}), target: theme.id};
  });
  const ids = selected();
  if (ids.some(function (id) { const n = noteOf(id); return !!(n && n.theme); })) {
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
    focusKeeper.ask(noteId === SELECTION_MENU ? 'move-selected' : 'move:' + noteId);
  }
  render();
}

/**
 * @param {string} noteId
 * @returns {HTMLElement}
 */
function moveMenu(noteId) {
  const many = noteId === SELECTION_MENU;
  const menu = el('ul', {class: 'move-menu', role: 'menu',
    id: many ? 'menu-selection' : 'menu-' + noteId, 'aria-label': t('console.move.where')});
  const items = many ? selectionDestinations() : destinations(noteId);
  items.forEach(function (item, i) {
    const b = el('button', {type: 'button', role: 'menuitem', tabindex: '-1',
      class: 'move-item' + (item.target === NEW_THEME ? ' is-new' : ''),
      'data-fk': 'menu:' + noteId + ':' + i, dir: 'auto', text: item.label});
    b.addEventListener('click', function () {
      delete state.open.menu;
      if (many) {
        const ids = selected();
        focusKeeper.ask(chipAfter(ids));
        moveMany(ids, item.target);
        return;
      }
      focusKeeper.ask('move:' + noteId);
      selection.delete(noteId);
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
    menuOpen ? note.theme : 0, selection.has(note.id),
    boardTable() ? '' : tableLabel(note.table)]);
}

/**
 * A note as a compact chip to sort: one line (the whole text in its tooltip), pressed to
 * select it, with a grip to drag it by finger or to open its own menu of destinations.
 * @param {Item} note
 * @param {boolean} moving
 * @returns {HTMLElement}
 */
export function sortCard(note, moving) {
  const menuOpen = state.open.menu === note.id;
  const chosen = selection.has(note.id);
  const text = String(note.text);
  const card = el('li', {class: 'sort-card chip note kind-' + note.kind +
    (note.hidden ? ' is-hidden' : '') + (moving ? ' is-moving' : '') +
    (chosen ? ' is-selected' : ''), 'data-note-id': note.id, title: text});
  const pick = el('button', {type: 'button', class: 'chip-select', 'data-fk': 'chip:' + note.id,
    'aria-pressed': chosen ? 'true' : 'false', tabindex: '-1'}, [
    el('span', {class: 'chip-check', 'aria-hidden': 'true', text: chosen ? '✓' : ''}),
    el('span', {class: 'chip-kind kind-badge kind-' + note.kind}, [icon(note.kind),
      el('span', {class: 'visually-hidden', text: t('kind.' + note.kind)})]),
    userText('span', text, 'note-text')
  ]);
  const tally = board.tallies[note.id] || 0;
  if (tally) {
    pick.appendChild(el('span', {class: 'tally', text: t('console.tally', {n: tally})}));
  }
  const table = boardTable() ? '' : tableLabel(note.table);
  if (table) {
    pick.appendChild(el('span', {class: 'chip-table', text: table})); // every table together
  }
  if (note.hidden) {
    pick.appendChild(el('span', {class: 'note-tag', text: t('note.hidden')}));
  }
  if (moving) {
    pick.appendChild(el('span', {class: 'note-tag', text: t('console.move.moving')}));
  }
  card.appendChild(pick);
  const move = el('button', {type: 'button', class: 'drag-handle',
    'aria-haspopup': 'menu', 'aria-expanded': menuOpen ? 'true' : 'false',
    'aria-controls': menuOpen ? 'menu-' + note.id : null, 'data-fk': 'move:' + note.id,
    'aria-label': t('console.move.label', {text: shorten(text, LABEL_CHARS)}),
    title: t('console.move.title')}, [
    el('span', {class: 'grip', 'aria-hidden': 'true', text: '⠿'}),
    el('span', {class: 'visually-hidden', text: t('console.move.button')})
  ]);
  move.addEventListener('click', function () {
    if (justDropped()) {
      return;
    }
    if (state.open.menu === note.id) {
      closeMenu(true);
    } else {
      openMenu(note.id);
    }
  });
  card.appendChild(move);
  if (menuOpen) {
    card.appendChild(moveMenu(note.id));
  }
  card.appendChild(errors.line('sort:' + note.id));
  return card;
}

/**
 * Select a chip, or (Shift) every chip of its list from the last one clicked to it.
 * @param {HTMLElement} chip
 * @param {boolean} range
 */
function pickChip(chip, range) {
  const id = chip.getAttribute('data-note-id') || '';
  const list = chip.parentElement;
  if (range && anchor && list) {
    const ids = Array.from(list.querySelectorAll(':scope > .sort-card'), function (c) {
      return c.getAttribute('data-note-id') || '';
    });
    const from = ids.indexOf(anchor);
    const to = ids.indexOf(id);
    if (from >= 0 && to >= 0) {
      ids.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (n) {
        selection.add(n);
      });
      anchor = id;
      render();
      return;
    }
  }
  if (selection.has(id)) {
    selection.delete(id);
  } else {
    selection.add(id);
  }
  anchor = id;
  render();
}

/**
 * Where the keyboard goes once the selection has moved away: the first chip left after the
 * first of them in its list (or before it), so that sorting goes on from where it was.
 * @param {Array<string>} ids the notes about to move
 * @returns {string} a focus key
 */
function chipAfter(ids) {
  const first = document.querySelector('#sort-board .sort-card[data-note-id="' + ids[0] + '"]');
  const list = first ? first.parentElement : null;
  if (!list) {
    return 'move-selected';
  }
  const all = Array.from(list.querySelectorAll(':scope > .sort-card'), function (c) {
    return c.getAttribute('data-note-id') || '';
  });
  const at = all.indexOf(ids[0]);
  const left = all.filter(function (id) { return ids.indexOf(id) < 0; });
  const next = left.filter(function (id) { return all.indexOf(id) > at; })[0] ||
    left[left.length - 1];
  if (!next) {
    return 'move-selected';
  }
  rover[list.id || list.getAttribute('data-list') || ''] = next;
  return 'chip:' + next;
}

/**
 * One tab stop per list of chips (the one last used, else the first): the arrow keys walk
 * the rest. Called after each drawing of a list.
 * @param {HTMLElement} list
 * @param {string} key the list's name
 */
export function roveChips(list, key) {
  const picks = list.querySelectorAll(':scope > .sort-card > .chip-select');
  let found = false;
  Array.prototype.forEach.call(picks, function (/** @type {HTMLElement} */ b) {
    const here = b.getAttribute('data-fk') === 'chip:' + rover[key];
    b.setAttribute('tabindex', here ? '0' : '-1');
    found = found || here;
  });
  if (!found && picks.length) {
    picks[0].setAttribute('tabindex', '0');
  }
}

/** The selection's bar: how many are selected, 「→ テーマ」 with its menu, and clearing. */
export function drawSelection() {
  const ids = selected();
  byId('selection-count').textContent = ids.length
    ? t('console.sort.selected', {n: ids.length}) : t('console.sort.none_selected');
  const open = state.open.menu === SELECTION_MENU;
  const moveButton = byId('move-selected');
  /** @type {HTMLButtonElement} */ (moveButton).disabled = ids.length === 0;
  moveButton.setAttribute('aria-expanded', open && ids.length ? 'true' : 'false');
  /** @type {HTMLButtonElement} */ (byId('select-clear')).disabled = ids.length === 0;
  byId('sort-board').classList.toggle('has-selection', ids.length > 0);
  const slot = byId('move-selected-menu-slot');
  const sig = JSON.stringify([open && ids.length > 0,
    themes().map(function (th) { return [th.id, th.title]; }), ids]);
  if (slot.getAttribute('data-sig') !== sig) {
    slot.setAttribute('data-sig', sig);
    slot.textContent = '';
    if (open && ids.length) {
      slot.appendChild(moveMenu(SELECTION_MENU));
    }
  }
}

/**
 * Put the selection into a theme (a press on a theme of the column that stays in view).
 * @param {string} themeId
 * @returns {boolean} whether there was a selection to put
 */
export function moveSelectionTo(themeId) {
  const ids = selected();
  if (!ids.length) {
    return false;
  }
  moveMany(ids, themeId);
  return true;
}

/** Wire the pointer, the Escape key and clicks outside an open menu, once. */
export function setupMoving() {
  const area = byId('sort-board');
  setupDragging(area, dropNote, function () { closeMenu(false); });
  // A click outside an open menu closes it.
  document.addEventListener('click', function (ev) {
    const target = /** @type {HTMLElement} */ (ev.target);
    if (state.open.menu && !target.closest('.move-menu, .drag-handle, #move-selected')) {
      closeMenu(false);
    }
  });
  area.addEventListener('click', function (ev) {
    const target = /** @type {HTMLElement} */ (ev.target);
    const pick = /** @type {(HTMLElement|null)} */ (target.closest('.chip-select'));
    if (!pick || justDropped()) {
      return;
    }
    const chip = /** @type {HTMLElement} */ (pick.parentElement);
    const list = chip.parentElement;
    if (list) {
      rover[list.id || list.getAttribute('data-list') || ''] =
        chip.getAttribute('data-note-id') || '';
    }
    focusKeeper.ask(pick.getAttribute('data-fk') || '');
    pickChip(chip, /** @type {MouseEvent} */ (ev).shiftKey);
  });
  // The arrow keys walk the chips of a list (Space, a button's own key, selects).
  area.addEventListener('keydown', function (ev) {
    const target = /** @type {HTMLElement} */ (ev.target);
    if (ev.key === 'Escape' && !state.open.menu && !pressing() && selection.size) {
      clearSelection(); // Escape lets go of the selection
      render();
      return;
    }
    if (!target.classList.contains('chip-select')) {
      return;
    }
    const step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1,
      Home: -Infinity, End: Infinity}[ev.key];
    if (step === undefined) {
      return;
    }
    const chip = /** @type {HTMLElement} */ (target.parentElement);
    const list = /** @type {HTMLElement} */ (chip.parentElement);
    const picks = Array.prototype.slice.call(
      list.querySelectorAll(':scope > .sort-card > .chip-select'));
    const at = picks.indexOf(target);
    const next = picks[Math.max(0, Math.min(picks.length - 1,
      step === Infinity ? picks.length - 1 : step === -Infinity ? 0 : at + step))];
    ev.preventDefault();
    if (next && next !== target) {
      target.setAttribute('tabindex', '-1');
      next.setAttribute('tabindex', '0');
      rover[list.id || list.getAttribute('data-list') || ''] =
        (next.getAttribute('data-fk') || '').slice('chip:'.length);
      next.focus();
    }
  });
  byId('move-selected').addEventListener('click', function () {
    if (state.open.menu === SELECTION_MENU) {
      closeMenu(true);
      return;
    }
    state.open.menu = SELECTION_MENU;
    focusKeeper.ask('menu:' + SELECTION_MENU + ':0');
    render();
  });
  byId('select-clear').addEventListener('click', function () {
    clearSelection();
    if (state.open.menu === SELECTION_MENU) {
      delete state.open.menu;
    }
    render();
  });

}
