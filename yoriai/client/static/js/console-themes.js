// Step 2 workspace (仲間を増やそう): 共感 settings, and sorting notes into themes (輪).
//
// Three ways to move a note, all sending the same command:
// - drag it with a mouse (the whole card) or a finger or pen (its 「移動」 grip), built on
//   Pointer Events, since HTML5 drag and drop does not work with touch;
// - press its 「移動」 button (Enter or Space, or a click) for a menu of destinations,
//   walked with the arrow keys (the WAI-ARIA menu button pattern);
// - drop it on 「新しいテーマ」 to make a theme of it.
// While a drag is under way the board is not redrawn (the card under the finger must not
// move); what arrived meanwhile is drawn at the drop.

import {t, el, userText, kindBadge, idNumber} from './ui.js';
import {
  board, state, send, sendAs, button, errorLine, keyed, busy, draftInput, dropDraft, render,
  proxyPerson, proxySig, themes, themeTitle, shorten, focusButton, inFocus, personName,
  pendingArg, typingIn, allNotes, noteOf
} from './console-core.js';

/** @typedef {import('./console-core.js').Item} Item */

const THEME_TITLE_MAX = 40;
// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 6;
// Near the window's top or bottom edge a drag scrolls the page, this much per move.
const EDGE_PX = 70;
const EDGE_STEP_PX = 24;
const NEW_THEME = 'new';
const UNSORTED = '';

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

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
function pendingMoves() {
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
function pendingNewThemes() {
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
    const title = box.value.trim() || shorten(String(note.text), THEME_TITLE_MAX);
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
  state.focusNext = 'menu:' + noteId + ':0';
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
    state.focusNext = 'move:' + noteId;
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
      state.focusNext = 'move:' + noteId;
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

// --- drawing ---------------------------------------------------------------------------

/**
 * @param {Item} note
 * @param {boolean} moving
 * @returns {string}
 */
function cardSig(note, moving) {
  const menuOpen = state.open.menu === note.id;
  return JSON.stringify([note.id, note.kind, note.text, note.hidden, note.private,
    board.tallies[note.id] || 0, moving, state.errors['sort:' + note.id] || '', menuOpen,
    menuOpen ? themes().map(function (th) { return [th.id, th.title]; }) : 0,
    menuOpen ? note.theme : 0]);
}

/**
 * A note as a card to sort.
 * @param {Item} note
 * @param {boolean} moving
 * @returns {HTMLElement}
 */
function sortCard(note, moving) {
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
    'aria-label': t('console.move.label', {text: shorten(String(note.text), 30)}),
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
  card.appendChild(errorLine('sort:' + note.id));
  return card;
}

/**
 * @param {Item} theme
 * @param {Array<Item>} notes the notes in it
 * @returns {string}
 */
function headSig(theme, notes) {
  const ctx = 'theme:' + theme.id;
  let votes = 0;
  notes.forEach(function (n) { votes += board.tallies[n.id] || 0; });
  return JSON.stringify([theme, notes.length, votes, state.open[ctx] || '',
    state.errors[ctx] || '', busy(ctx), proxySig(), inFocus('theme', theme.id),
    state.open[ctx] === 'merge' ? themes().map(function (th) { return [th.id, th.title]; }) : 0,
    (theme.members || []).map(personName)]);
}

/**
 * The head of a theme's column: its title, counts and tools.
 * @param {Item} theme
 * @param {Array<Item>} notes
 * @returns {HTMLElement}
 */
function themeHead(theme, notes) {
  const ctx = 'theme:' + theme.id;
  const mode = state.open[ctx] || '';
  let votes = 0;
  notes.forEach(function (n) { votes += board.tallies[n.id] || 0; });
  const head = el('div', {class: 'theme-head'});
  if (mode === 'rename') {
    head.appendChild(renameForm(theme));
  } else {
    head.appendChild(userText('h3', String(theme.title), 'theme-title'));
  }
  head.appendChild(el('p', {class: 'theme-counts'}, [
    el('span', {text: t('board.count', {n: notes.length})}),
    el('span', {class: 'members-count', text: t('console.theme.members', {n: theme.member_count})}),
    el('span', {text: t('console.theme.votes', {n: votes})})
  ]));
  const members = (theme.members || []).map(personName).filter(Boolean);
  if (members.length) {
    head.appendChild(userText('p', members.join('、'), 'theme-members'));
  }
  if (mode === 'merge') {
    head.appendChild(mergeForm(theme));
  } else if (mode === 'delete') {
    head.appendChild(el('div', {class: 'confirm'}, [
      el('p', {class: 'confirm-question', text: t('console.theme.delete_confirm')}),
      el('div', {class: 'actions'}, [
        button(t('console.theme.delete'), function () {
          delete state.open[ctx];
          send('delete_theme', {theme_id: theme.id}, ctx);
        }, {kind: 'danger', fk: 'delete-yes:' + theme.id}),
        button(t('note.cancel'), function () {
          delete state.open[ctx];
          state.focusNext = 'delete:' + theme.id;
          render();
        }, {fk: 'delete-no:' + theme.id})
      ])
    ]));
  } else if (mode !== 'rename') {
    /** @param {string} what */
    const opener = function (what) {
      return function () {
        state.open[ctx] = what;
        delete state.errors[ctx];
        state.focusNext = what + '-first:' + theme.id;
        render();
      };
    };
    head.appendChild(el('div', {class: 'actions theme-tools'}, [
      button(t('console.theme.rename'), opener('rename'), {fk: 'rename:' + theme.id}),
      themes().length > 1 ? button(t('console.theme.merge'), opener('merge'),
        {fk: 'merge:' + theme.id}) : null,
      notes.length === 0 ? button(t('console.theme.delete'), opener('delete'),
        {fk: 'delete:' + theme.id}) : null,
      focusButton('theme', theme.id, ctx)
    ]));
  }
  const person = proxyPerson();
  if (person) {
    const member = (theme.members || []).indexOf(person.id) >= 0;
    head.appendChild(el('div', {class: 'actions proxy-actions'}, [
      el('span', {class: 'proxy-who', text: t('console.proxy.for', {name: person.name})}),
      member
        ? button(t('console.theme.leave'), function () {
          sendAs('leave_theme', {theme_id: theme.id}, ctx);
        }, {fk: 'leave:' + theme.id})
        : button(t('console.theme.join'), function () {
          sendAs('join_theme', {theme_id: theme.id}, ctx);
        }, {kind: 'proxy', fk: 'join:' + theme.id})
    ]));
  }
  head.appendChild(errorLine(ctx));
  return head;
}

/**
 * @param {Item} theme
 * @returns {HTMLElement}
 */
function renameForm(theme) {
  const ctx = 'theme:' + theme.id;
  const title = draftInput(ctx, 'title', {label: t('console.theme.name'), initial: theme.title,
    maxlength: THEME_TITLE_MAX + 10, id: 'rename-first:' + theme.id});
  const form = el('form', {class: 'form rename-form', novalidate: true}, [
    title.label, title.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small', text: t('note.save')}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        dropDraft(ctx);
        state.focusNext = 'rename:' + theme.id;
        render();
      })
    ])
  ]);
  title.input.addEventListener('keydown', function (ev) {
    if (/** @type {KeyboardEvent} */ (ev).key === 'Escape') {
      delete state.open[ctx];
      dropDraft(ctx);
      state.focusNext = 'rename:' + theme.id;
      render();
    }
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = String(state.drafts[ctx].title || '').trim();
    if (!value) {
      state.errors[ctx] = t('error.empty_theme');
      render();
      return;
    }
    send('rename_theme', {theme_id: theme.id, title: value}, ctx, {ok: function () {
      delete state.open[ctx];
      dropDraft(ctx);
    }});
    state.focusNext = 'rename:' + theme.id;
  });
  return form;
}

/**
 * @param {Item} theme
 * @returns {HTMLElement}
 */
function mergeForm(theme) {
  const ctx = 'theme:' + theme.id;
  const others = themes().filter(function (th) { return th.id !== theme.id; });
  const id = 'merge-first:' + theme.id;
  const select = /** @type {HTMLSelectElement} */ (el('select', {id: id, 'data-fk': id}));
  others.forEach(function (th) {
    select.appendChild(el('option', {value: th.id, dir: 'auto', text: th.title}));
  });
  const form = el('form', {class: 'form merge-form', novalidate: true}, [
    el('label', {class: 'field-label', for: id, text: t('console.theme.merge_into')}),
    select,
    el('p', {class: 'hint', text: t('console.theme.merge_hint')}),
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small',
        text: t('console.theme.merge_do')}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        state.focusNext = 'merge:' + theme.id;
        render();
      })
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!select.value) {
      return;
    }
    delete state.open[ctx];
    state.focusNext = 'merge:' + select.value;
    send('merge_themes', {source: theme.id, target: select.value}, ctx);
  });
  return form;
}

/** Vote settings: the budget, several per note, tallies shown to everyone. */
function drawVoteSettings() {
  const s = board.workshop.settings || {};
  /** @param {string} key @returns {*} the setting, as it is about to be */
  const value = function (key) {
    const asked = pendingArg('set_vote_settings', key);
    return asked === undefined ? s[key] : asked;
  };
  /** @type {HTMLSelectElement} */ (byId('vote-budget')).value = String(value('vote_budget') || 3);
  /** @type {HTMLInputElement} */ (byId('multi-vote')).checked = !!value('multi_vote');
  /** @type {HTMLInputElement} */ (byId('votes-visible')).checked = !!value('votes_visible');
  byId('votes-error').textContent = state.errors.votes || '';
}

/**
 * @param {HTMLElement} list
 * @param {Array<Item>} notes
 * @param {Object<string, boolean>} moving
 */
function fillCards(list, notes, moving) {
  keyed(list, notes, function (n) { return n.id; },
    function (n) { return cardSig(n, !!moving[n.id]); },
    function (n) { return sortCard(n, !!moving[n.id]); });
}

/** Draw the themes workspace. */
export function drawThemes() {
  drawVoteSettings();
  byId('new-theme-error').textContent = state.errors['new-theme'] || '';
  if (drag && drag.ghost) {
    return; // not under a moving finger; drawn at the drop
  }
  const moves = pendingMoves();
  const making = pendingNewThemes();
  /** @type {Object<string, Array<Item>>} */
  const byTheme = {};
  const all = allNotes().sort(function (a, b) {
    return idNumber(a.id) - idNumber(b.id);
  });
  /** @type {Object<string, boolean>} */
  const moving = {};
  all.forEach(function (note) {
    let where = note.theme || UNSORTED;
    if (Object.prototype.hasOwnProperty.call(moves, note.id)) {
      where = moves[note.id] || UNSORTED;
      moving[note.id] = true;
    }
    if (making[note.id]) {
      moving[note.id] = true;
    }
    if (where !== UNSORTED && !board.collections.themes.has(where)) {
      where = UNSORTED;
    }
    (byTheme[where] || (byTheme[where] = [])).push(note);
  });
  const unsorted = byTheme[UNSORTED] || [];
  fillCards(byId('unsorted-list'), unsorted, moving);
  byId('unsorted-count').textContent = t('board.count', {n: unsorted.length});
  byId('unsorted-empty').hidden = unsorted.length > 0;

  const cols = byId('theme-cols');
  const list = themes();
  keyed(cols, list, function (th) { return th.id; }, function (th) { return th.id; },
    function (th) {
      return el('section', {class: 'sort-col theme-col', 'data-drop': th.id,
        'aria-label': th.title}, [
        el('div', {class: 'theme-head-slot'}),
        el('ul', {class: 'notes sort-notes'}),
        el('p', {class: 'drop-hint', text: t('console.theme.drop_here')})
      ]);
    });
  list.forEach(function (theme) {
    const section = /** @type {(HTMLElement|null)} */ (cols.querySelector(
      '[data-key="' + theme.id + '"]'));
    if (!section) {
      return;
    }
    section.setAttribute('aria-label', theme.title);
    const notes = byTheme[theme.id] || [];
    const slot = /** @type {HTMLElement} */ (section.querySelector('.theme-head-slot'));
    const sig = headSig(theme, notes);
    if (slot.getAttribute('data-sig') !== sig && !typingIn(slot)) {
      slot.textContent = '';
      slot.appendChild(themeHead(theme, notes));
      slot.setAttribute('data-sig', sig);
    }
    section.classList.toggle('is-focused', inFocus('theme', theme.id));
    fillCards(/** @type {HTMLElement} */ (section.querySelector('.sort-notes')), notes, moving);
    /** @type {HTMLElement} */ (section.querySelector('.drop-hint')).hidden = notes.length > 0;
  });
  byId('themes-empty').hidden = list.length > 0;
}

/** Wire the template's fixed controls once. */
export function setupThemes() {
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

  const title = /** @type {HTMLInputElement} */ (byId('new-theme-title'));
  byId('new-theme-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = title.value.trim();
    if (!value) {
      state.errors['new-theme'] = t('error.empty_theme');
      render();
      title.focus();
      return;
    }
    send('create_theme', {title: value}, 'new-theme', {fail: function () {
      if (!title.value) {
        title.value = value;
      }
    }});
    title.value = '';
  });

  const budget = /** @type {HTMLSelectElement} */ (byId('vote-budget'));
  budget.addEventListener('change', function () {
    send('set_vote_settings', {vote_budget: Number(budget.value)}, 'votes');
  });
  const multi = /** @type {HTMLInputElement} */ (byId('multi-vote'));
  multi.addEventListener('change', function () {
    send('set_vote_settings', {multi_vote: multi.checked}, 'votes');
  });
  const visible = /** @type {HTMLInputElement} */ (byId('votes-visible'));
  visible.addEventListener('change', function () {
    send('set_vote_settings', {votes_visible: visible.checked}, 'votes');
  });
}
