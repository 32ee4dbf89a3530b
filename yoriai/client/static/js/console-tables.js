// The テーブル (班) panel of the facilitator's console: making the tables (how many, or how
// many per table; mixed by 立場, from the 輪, or by hand) with one command; each table as a
// column with its number, its name, its people (立場, who has no phone, who hosts it) and
// its board's counts (its notes too, side by side, when asked); a new round (席替え) after a
// confirmation that says the hosts stay; the tables' settings (others visible, 共感 per
// table or room-wide). The people in the columns — selecting, moving, hosting — are
// console-seats.js's; 全体共有's controls console-sharing.js's.
//
// The server decides everything (who sits where, the deal, the round): this module sends
// the commands and draws what comes back, with a move on its way drawn where it is going.

import {t, el, byId, typingIn, icon} from './page.js';
import {userText, charCount} from './ui.js';
import {
  board, state, send, button, keyed, busy, render, allNotes, themes, errors, focusKeeper,
  focusButton, inFocus, pendingArg
} from './console-core.js';
import {dragging} from './console-drag.js';
import {limit} from './vocab.js';
import {tableList, tableLabel, showTable} from './console-table-board.js';
import {UNSEATED, seating, drawSeatBar, drawSeats, rove, setupSeats} from './console-seats.js';

/** @typedef {import('./console-core.js').Item} Item */

const TABLES_MAX = limit('TABLES_MAX');
const PER_TABLE_MIN = limit('PER_TABLE_MIN');
const PER_TABLE_MAX = limit('PER_TABLE_MAX');
const NAME_MAX = limit('TABLE_NAME_MAX_CHARS');

/**
 * The range a number in the make form may take.
 * @param {string} how 'count' or 'per_table'
 * @returns {{min: number, max: number}}
 */
function range(how) {
  return how === 'count' ? {min: 1, max: TABLES_MAX} : {min: PER_TABLE_MIN, max: PER_TABLE_MAX};
}

// --- making the tables -------------------------------------------------------------------

/** @returns {{how: string, n: string, by: string}} the form as it is filled */
function makeDraft() {
  return state.drafts['make-tables'] || (state.drafts['make-tables'] =
    {how: 'count', n: '', by: 'mixed'});
}

/** Check the make form and send make_tables. */
function makeTables() {
  const draft = makeDraft();
  const n = Number(draft.n);
  const r = range(draft.how);
  if (!draft.n || !(n >= r.min && n <= r.max) || Math.floor(n) !== n) {
    errors.set('make-tables', t(draft.how === 'count' ? 'console.tables.bad_count'
      : 'console.tables.bad_per_table', r));
    focusKeeper.ask('make-n');
    render();
    return;
  }
  /** @type {Object<string, any>} */
  const args = {by: draft.by};
  args[draft.how === 'count' ? 'count' : 'per_table'] = n;
  state.open.makeTables = '';
  send('make_tables', args, 'make-tables', {ok: function () {
    byId('tables-status').textContent = t('console.tables.made');
  }});
}

let makeSig = '';

/** The form that makes the tables (folded away under 「作り直す」 once there are some). */
function drawMake() {
  const box = byId('make-tables');
  const have = tableList().length > 0;
  // Once a note or a theme belongs to a table the server keeps the tables (tables_in_use):
  // people are then moved one by one, and the form is not offered.
  const inUse = have && (allNotes().some(function (n) { return !!n.table; }) ||
    themes().some(function (th) { return !!th.table; }));
  const open = !have || (state.open.makeTables === 'open' && !inUse);
  const draft = makeDraft();
  const sig = JSON.stringify([have, open, inUse, errors.get('make-tables'),
    busy('make-tables')]);
  if (sig === makeSig || typingIn(box)) {
    return;
  }
  makeSig = sig;
  box.textContent = '';
  box.hidden = inUse && !errors.get('make-tables');
  if (inUse) {
    box.appendChild(errors.line('make-tables'));
    return;
  }
  if (!open) {
    box.appendChild(button(t('console.tables.remake'), function () {
      state.open.makeTables = 'open';
      focusKeeper.ask('make-n');
      render();
    }, {fk: 'make-open', label: t('console.tables.remake_label')}));
    return;
  }
  const form = el('form', {class: 'make-form', novalidate: true,
    'aria-labelledby': 'make-title'});
  form.appendChild(el('h3', {id: 'make-title', class: 'tool-title',
    text: t(have ? 'console.tables.remake_title' : 'console.tables.make_title')}));
  const limits = range(draft.how);
  const number = /** @type {HTMLInputElement} */ (el('input', {type: 'number', id: 'make-n',
    'data-fk': 'make-n', min: limits.min, max: limits.max, step: 1, inputmode: 'numeric',
    class: 'make-n', 'aria-describedby': 'make-n-hint'}));
  number.value = draft.n;
  number.addEventListener('input', function () { draft.n = number.value; });
  const how = el('fieldset', {class: 'make-how'}, [
    el('legend', {class: 'visually-hidden', text: t('console.tables.how')})
  ]);
  ['count', 'per_table'].forEach(function (value) {
    const id = 'make-how-' + value;
    const input = /** @type {HTMLInputElement} */ (el('input', {type: 'radio', name: 'make-how',
      id: id, value: value, 'data-fk': id, class: 'radio-input'}));
    input.checked = draft.how === value;
    input.addEventListener('change', function () {
      draft.how = value;
      const r = range(value);
      number.min = String(r.min);
      number.max = String(r.max);
      focusKeeper.ask('make-n');
    });
    how.appendChild(el('span', {class: 'radio'}, [input,
      el('label', {for: id, text: t('console.tables.how_' + value)})]));
  });
  how.appendChild(el('label', {class: 'visually-hidden', for: 'make-n',
    text: t('console.tables.n_label')}));
  how.appendChild(number);
  how.appendChild(el('span', {id: 'make-n-hint', class: 'hint inline-hint',
    text: t('console.tables.n_hint')}));
  form.appendChild(how);
  const by = el('fieldset', {class: 'make-by'}, [
    el('legend', {class: 'field-label', text: t('console.tables.by')})
  ]);
  ['mixed', 'themes', 'hand'].forEach(function (value) {
    const id = 'make-by-' + value;
    const input = /** @type {HTMLInputElement} */ (el('input', {type: 'radio', name: 'make-by',
      id: id, value: value, 'data-fk': id, class: 'radio-input',
      'aria-describedby': id + '-hint'}));
    input.checked = draft.by === value;
    input.addEventListener('change', function () { draft.by = value; });
    by.appendChild(el('span', {class: 'radio'}, [input,
      el('label', {for: id, text: t('console.tables.by_' + value)}),
      el('span', {id: id + '-hint', class: 'visually-hidden',
        text: t('console.tables.by_' + value + '_hint')})]));
  });
  form.appendChild(by);
  const actions = el('div', {class: 'actions'}, [
    el('button', {type: 'submit', class: 'button primary small', 'data-fk': 'make-go',
      text: t(have ? 'console.tables.remake_do' : 'console.tables.make_do'),
      disabled: busy('make-tables')})
  ]);
  if (have) {
    actions.appendChild(button(t('note.cancel'), function () {
      delete state.open.makeTables;
      errors.clear('make-tables');
      focusKeeper.ask('make-open');
      render();
    }, {fk: 'make-cancel'}));
  }
  form.appendChild(actions);
  form.appendChild(errors.line('make-tables'));
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    makeTables();
  });
  box.appendChild(form);
}

// --- settings and rounds -------------------------------------------------------------------

function drawSettings() {
  const s = board.workshop.settings || {};
  /** @param {string} key @returns {*} the setting, as it is about to be */
  const value = function (key) {
    const asked = pendingArg('set_table_settings', key);
    return asked === undefined ? s[key] : asked;
  };
  /** @type {HTMLInputElement} */ (byId('others-visible')).checked = !!value('others_visible');
  const scope = value('vote_scope') === 'table' ? 'table' : 'room';
  /** @type {HTMLInputElement} */ (byId('vote-scope-table')).checked = scope === 'table';
  /** @type {HTMLInputElement} */ (byId('vote-scope-room')).checked = scope === 'room';
}

let roundSig = '';

function drawRound() {
  const have = tableList().length > 0;
  const round = Number(board.workshop.round) || 0;
  const asking = state.open.round === 'confirm';
  const sig = JSON.stringify([have, round, asking, busy('round'), errors.get('round')]);
  if (sig === roundSig) {
    return;
  }
  roundSig = sig;
  const box = byId('tables-round');
  box.textContent = '';
  box.hidden = !have;
  if (!have) {
    return;
  }
  box.appendChild(el('p', {class: 'round-now', text: t('console.tables.round', {n: round})}));
  if (asking) {
    box.appendChild(el('div', {class: 'confirm', role: 'group',
      'aria-labelledby': 'round-question'}, [
      el('p', {id: 'round-question', class: 'confirm-question',
        text: t('console.tables.round_confirm')}),
      el('p', {class: 'hint', text: t('console.tables.round_hint')}),
      el('div', {class: 'actions'}, [
        button(t('console.tables.round_yes'), function () {
          delete state.open.round;
          focusKeeper.ask('round-start');
          send('start_round', {}, 'round', {ok: function () {
            byId('tables-status').textContent = t('console.tables.round_started',
              {n: Number(board.workshop.round) || round + 1});
          }});
        }, {kind: 'primary', fk: 'round-yes'}),
        button(t('note.cancel'), function () {
          delete state.open.round;
          focusKeeper.ask('round-start');
          render();
        }, {fk: 'round-no'})
      ])
    ]));
  } else {
    box.appendChild(button(t('console.tables.round_start'), function () {
      state.open.round = 'confirm';
      errors.clear('round');
      // The safe answer has the focus: Enter on a reflex changes no seats.
      focusKeeper.ask('round-no');
      render();
    }, {fk: 'round-start', disabled: busy('round')}));
  }
  box.appendChild(errors.line('round'));
}

/**
 * What each table's board holds, counted once per drawing (not once per column).
 * @typedef {{people: number, notes: number, themes: number}} Counts
 */

/**
 * @param {Item} table
 * @param {Counts} counts
 * @returns {string}
 */
function headSig(table, counts) {
  const ctx = 'table:' + table.id;
  return JSON.stringify([table.id, table.number, table.name, table.theme, table.host, counts,
    errors.get(ctx), busy(ctx), inFocus('table', table.id),
    table.host ? (board.participants.get(table.host) || {}).name : '']);
}

/**
 * The head of a table's column: its number, its name (typed in place, saved on Enter or
 * when the box is left), who hosts it, its board's counts and its buttons.
 * @param {Item} table
 * @param {Counts} counts
 * @returns {HTMLElement}
 */
function tableHead(table, counts) {
  const ctx = 'table:' + table.id;
  const number = t('console.tables.number', {n: table.number});
  const head = el('div', {class: 'table-head'});
  const id = 'table-name-' + table.id;
  const input = /** @type {HTMLInputElement} */ (el('input', {type: 'text', id: id,
    'data-fk': id, class: 'user-text table-name', dir: 'auto', maxlength: NAME_MAX + 10,
    placeholder: t('console.tables.name_placeholder')}));
  input.value = String(table.name || '');
  const save = function () {
    const value = input.value.trim();
    if (value === String(table.name || '')) {
      return;
    }
    if (charCount(value) > NAME_MAX) {
      errors.set(ctx, t('error.table_name_too_long', {max: NAME_MAX}));
      render();
      return;
    }
    send('name_table', {table_id: table.id, name: value}, ctx);
  };
  input.addEventListener('change', save);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      save();
    } else if (ev.key === 'Escape') {
      input.value = String(table.name || '');
    }
  });
  head.appendChild(el('div', {class: 'table-line'}, [
    el('h3', {class: 'table-number', id: 'table-title-' + table.id}, [
      number, el('span', {class: 'count',
        text: ' ' + t('console.tables.people', {n: counts.people})})
    ]),
    el('label', {class: 'visually-hidden', for: id,
      text: t('console.tables.name_label', {table: number})}),
    input
  ]));
  if (table.theme) {
    const theme = board.collections.themes.get(table.theme);
    if (theme) {
      head.appendChild(el('p', {class: 'table-theme'}, [
        el('span', {text: t('console.tables.from_theme')}), userText('span', String(theme.title))
      ]));
    }
  }
  if (table.host) {
    const host = board.participants.get(table.host);
    head.appendChild(el('p', {class: 'table-host'}, [
      el('span', {class: 'tag tag-host', text: t('console.tables.host')}),
      ' ', userText('span', host ? String(host.name) : '')
    ]));
  }
  head.appendChild(el('div', {class: 'table-line'}, [
    el('p', {class: 'table-counts'}, [
      el('span', {text: t('board.count', {n: counts.notes})}),
      el('span', {text: t('console.tables.themes', {n: counts.themes})})
    ]),
    el('div', {class: 'actions table-tools'}, [
      button(t('console.tables.open_board'), function () {
        showTable(table.id, 'themes');
      }, {fk: 'open-board:' + table.id,
        label: t('console.tables.open_board_label', {table: number})}),
      focusButton('table', table.id, ctx, false, tableLabel(table.id, true))
    ])
  ]));
  head.appendChild(errors.line(ctx));
  return head;
}

/**
 * Draw one column (a table, or the unseated people).
 * @param {HTMLElement} section
 * @param {(Item|null)} table
 * @param {Array<Item>} people who sits there, in seat order
 * @param {Object<string, boolean>} moving
 * @param {Object<string, Array<Item>>} notesOf each table's notes
 * @param {Object<string, number>} themesOf how many themes each table has
 */
function fillColumn(section, table, people, moving, notesOf, themesOf) {
  if (table) {
    const slot = /** @type {HTMLElement} */ (section.querySelector('.table-head-slot'));
    /** @type {Counts} */
    const counts = {people: people.length, notes: (notesOf[table.id] || []).length,
      themes: themesOf[table.id] || 0};
    const sig = headSig(table, counts);
    if (slot.getAttribute('data-sig') !== sig && !typingIn(slot)) {
      // A name being typed survives the redraw (the focus comes back by its focus key).
      const active = /** @type {(HTMLInputElement|null)} */ (document.activeElement);
      const typed = active && slot.contains(active) && active.tagName === 'INPUT'
        ? active.value : null;
      slot.textContent = '';
      slot.appendChild(tableHead(table, counts));
      slot.setAttribute('data-sig', sig);
      const box = /** @type {(HTMLInputElement|null)} */ (slot.querySelector('.table-name'));
      if (typed !== null && box) {
        box.value = typed;
      }
    }
    section.classList.toggle('is-focused', inFocus('table', table.id));
  }
  drawSeats(/** @type {HTMLElement} */ (section.querySelector('.seat-list')), people, table,
    moving);
  /** @type {HTMLElement} */ (section.querySelector('.drop-hint')).hidden = people.length > 0;
  const notes = /** @type {(HTMLElement|null)} */ (section.querySelector('.table-notes'));
  if (table && notes) {
    const shown = state.open.tableNotes === 'on';
    notes.hidden = !shown;
    keyed(notes, shown ? notesOf[table.id] || [] : [],
      function (n) { return n.id; }, noteSig, noteLine);
  }
}

/**
 * @param {Item} note
 * @returns {string}
 */
function noteSig(note) {
  return JSON.stringify([note.kind, note.text, note.hidden, note.private,
    board.tallies[note.id] || 0]);
}

/**
 * One line of a table's notes, when the tables are seen side by side with their notes.
 * @param {Item} note
 * @returns {HTMLElement}
 */
function noteLine(note) {
  const tally = board.tallies[note.id] || 0;
  return el('li', {class: 'table-note kind-' + note.kind + (note.hidden ? ' is-hidden' : ''),
    title: String(note.text)}, [
    el('span', {class: 'chip-kind kind-badge kind-' + note.kind}, [icon(note.kind),
      el('span', {class: 'visually-hidden', text: t('kind.' + note.kind)})]),
    userText('span', String(note.text), 'note-text'),
    tally ? el('span', {class: 'tally', text: t('console.tally', {n: tally})}) : null,
    note.hidden ? el('span', {class: 'note-tag', text: t('note.hidden')}) : null,
    note.private ? el('span', {class: 'note-tag', text: t('console.note.private')}) : null
  ]);
}

/**
 * An empty column: a table's, or the unseated people's.
 * @param {(Item|null)} table
 * @returns {HTMLElement}
 */
function column(table) {
  const titleId = table ? 'table-title-' + table.id : 'unseated-title';
  return el('section', {class: 'table-col' + (table ? '' : ' unseated-col'),
    'data-seat-drop': table ? table.id : UNSEATED, 'aria-labelledby': titleId}, [
    table ? el('div', {class: 'table-head-slot'})
      : el('h3', {id: titleId, class: 'table-number', text: t('console.tables.unseated')}),
    el('ul', {class: 'seat-list', 'aria-labelledby': titleId}),
    el('p', {class: 'drop-hint', text: t(table ? 'console.tables.drop_here'
      : 'console.tables.unseated_empty')}),
    table ? el('ul', {class: 'table-notes', hidden: true,
      'aria-label': t('console.tables.notes_of', {table: tableLabel(table.id)})}) : null
  ]);
}

/** Draw the tables workspace. */
export function drawTables() {
  drawMake();
  drawSettings();
  drawRound();
  drawSeatBar();
  const list = tableList();
  byId('tables-empty').hidden = list.length > 0;
  byId('tables-settings').hidden = list.length === 0;
  if (dragging()) {
    return; // not under a moving finger; drawn at the drop
  }
  const where = seating();
  /** @type {Object<string, Array<Item>>} */
  const byTable = {};
  board.participants.forEach(function (p) {
    const at = where.at[p.id] || UNSEATED;
    (byTable[at] || (byTable[at] = [])).push(p);
  });
  // Within a table, the server's seat order (the host first if it says so).
  list.forEach(function (table) {
    const order = (table.seats || []).map(function (/** @type {Item} */ s) { return s.id; });
    (byTable[table.id] || []).sort(function (a, b) {
      const ia = order.indexOf(a.id);
      const ib = order.indexOf(b.id);
      return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
    });
  });
  /** @type {Object<string, Array<Item>>} */
  const notesOf = {};
  allNotes().forEach(function (n) {
    if (n.table) {
      (notesOf[n.table] || (notesOf[n.table] = [])).push(n);
    }
  });
  /** @type {Object<string, number>} */
  const themesOf = {};
  themes().forEach(function (th) {
    if (th.table) {
      themesOf[th.table] = (themesOf[th.table] || 0) + 1;
    }
  });
  const cols = byId('table-cols');
  /** @type {Array<{key: string, table: (Item|null)}>} */
  const all = [];
  if (list.length) {
    all.push({key: '*unseated*', table: null});
    list.forEach(function (tb) { all.push({key: String(tb.id), table: tb}); });
  }
  keyed(cols, all, function (c) { return c.key; }, function (c) { return c.key; },
    function (c) { return column(c.table); });
  all.forEach(function (c) {
    const section = /** @type {(HTMLElement|null)} */ (cols.querySelector(
      ':scope > [data-key="' + c.key + '"]'));
    if (section) {
      fillColumn(section, c.table, byTable[c.table ? c.table.id : UNSEATED] || [], where.moving,
        notesOf, themesOf);
    }
  });
  rove(cols);
}

/** Wire the template's fixed controls once. */
export function setupTables() {
  setupSeats();
  const withNotes = /** @type {HTMLInputElement} */ (byId('tables-notes'));
  withNotes.addEventListener('change', function () {
    state.open.tableNotes = withNotes.checked ? 'on' : '';
    render();
  });
  const others = /** @type {HTMLInputElement} */ (byId('others-visible'));
  others.addEventListener('change', function () {
    send('set_table_settings', {others_visible: others.checked}, 'table-settings');
  });
  ['room', 'table'].forEach(function (scope) {
    const radio = /** @type {HTMLInputElement} */ (byId('vote-scope-' + scope));
    radio.addEventListener('change', function () {
      if (radio.checked) {
        send('set_table_settings', {vote_scope: scope}, 'table-settings');
      }
    });
  });
}
