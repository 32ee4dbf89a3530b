// The projector's boards when the room works at tables (班, issue 14): a grid of the tables
// (each its big number, its name, who sits there and what it has written), and the seating
// (who sits where) from the moment tables are made or a round starts until the room gets
// to work (one table large is screen-sheet.js's). Sizes are not decided here: each cell
// marks what must fit ("fit-box") and what may be shortened ("fit-list"), and
// screen-fit.js picks the size, shortening a list with 「ほか n枚」 rather than letting text
// go under the floor.

import {el, t, icon} from './page.js';
import {userText} from './ui.js';
import {boardNotes, items, miniNote, tally, byVotes, votesShown} from './screen-cards.js';
import {ids, label} from './vocab.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./ui.js').Note} Note
 * @typedef {{id: string, number: number, name: string, theme: (string|null),
 *   seat_count: number, names: Array<string>, others: number, host_name: string}} Table
 *   the public table view (facilitation/view.py)
 */

// The boards a table grid replaces: those of the work at the tables (notes, themes). The
// proposals are the room's board still, each marked with its table (「2班」): every table's
// proposal joins the room's priority vote, and the room reads the ranking across tables. The
// role board and the review (steps 4 and 5) are the room's, whatever table their makers sat
// at.
export const GRID_VIEWS = ['notes', 'themes'];

// The shape a cell would like (width over height): about square while tables write notes
// (a column of notes reads down), wider for the seating (names flow along a line).
const CELL_ASPECT = 1.05;
const SEAT_ASPECT = 1.2;
// The smallest cell that is still read from the back, in characters of floor-sized text:
// about eleven wide (a name and 「ほか 3名」 on a line) and five and a half lines high (the
// number, a line of names, the counts and a note). At 1024×768 that is 4 × 5 tables.
const CELL_MIN_CHARS = 11;
const CELL_MIN_LINES = 5.5;

/**
 * The tables, in number order.
 * @param {Board} board
 * @returns {Array<Table>}
 */
export function tablesOf(board) {
  return /** @type {Array<Table>} */ (items(board, 'tables')).slice().sort(function (a, b) {
    return (a.number || 0) - (b.number || 0);
  });
}

/**
 * The room-wide themes that became tables (made "by themes": the 輪 became the tables), by
 * theme id → the table made from it. Such a theme, its notes and its proposal are that
 * table's starting material, and shown as the table's.
 * @param {Board} board
 * @returns {Object<string, string>}
 */
function originsOf(board) {
  const themes = board.collections.themes || new Map();
  /** @type {Object<string, string>} */
  const out = {};
  tablesOf(board).forEach(function (tb) {
    const theme = tb.theme ? themes.get(tb.theme) : null;
    if (theme && !theme.table) {
      out[String(tb.theme)] = tb.id;
    }
  });
  return out;
}

/**
 * Whose a theme is: its table's, the table made from it, or the room's (null).
 * @param {Object<string, any>} theme
 * @param {Object<string, string>} origins
 * @returns {(string|null)}
 */
function themeOwner(theme, origins) {
  return theme.table || origins[theme.id] || null;
}

/**
 * Whose a note is: the table it was written at, else the table made from its theme, else
 * the room's (null: written before there were tables).
 * @param {Note} note
 * @param {Object<string, string>} origins
 * @returns {(string|null)}
 */
function noteOwner(note, origins) {
  return placeOf(note).table || (note.theme ? origins[note.theme] || null : null);
}

/**
 * The table a theme belongs to (made at it, or the table made from it), or null.
 * @param {Board} board
 * @param {string} id the theme's
 * @returns {(Table|null)}
 */
export function tableOfTheme(board, id) {
  const theme = (board.collections.themes || new Map()).get(id);
  const owner = theme ? themeOwner(theme, originsOf(board)) : null;
  const table = owner && board.collections.tables ? board.collections.tables.get(owner) : null;
  return table ? /** @type {Table} */ (table) : null;
}

/**
 * The themes of a table (or of the room, for null).
 * @param {Board} board
 * @param {(string|null)} id
 * @returns {Array<Object<string, any>>}
 */
export function themesAt(board, id) {
  const origins = originsOf(board);
  return items(board, 'themes').filter(function (th) { return themeOwner(th, origins) === id; });
}

/**
 * The proposals of a table (or of the room, for null): those of its themes.
 * @param {Board} board
 * @param {(string|null)} id
 * @returns {Array<Object<string, any>>}
 */
export function proposalsAt(board, id) {
  const themes = board.collections.themes || new Map();
  const origins = originsOf(board);
  return items(board, 'proposals').filter(function (p) {
    const theme = themes.get(p.theme);
    return theme ? themeOwner(theme, origins) === id : id === null;
  });
}

/**
 * The notes of a table (or of the room, for null), oldest first.
 * @param {Board} board
 * @param {(string|null)} id
 * @returns {Array<Note>}
 */
export function notesAt(board, id) {
  const origins = originsOf(board);
  return boardNotes(board).filter(function (n) { return noteOwner(n, origins) === id; });
}

/**
 * The title of the theme a table was made from, or ''.
 * @param {Board} board
 * @param {Table} table
 * @returns {string}
 */
function originTitle(board, table) {
  const theme = table.theme ? (board.collections.themes || new Map()).get(table.theme) : null;
  return theme ? String(theme.title || '') : '';
}

/**
 * Whether anything has been written at a table since the round began: a note of this round,
 * or (in the first round, which began when the tables were made) a theme of a table.
 * @param {Board} board
 * @returns {boolean}
 */
export function roundAtWork(board) {
  const round = board.workshop.round || 0;
  return boardNotes(board).some(function (n) {
    return !!placeOf(n).table && placeOf(n).round === round;
  }) ||
    (round <= 1 && items(board, 'themes').some(function (th) { return !!th.table; }));
}

/**
 * The table a note was written at (null: before there were tables), and its round.
 * @param {Note} note
 * @returns {{table: (string|null), round: number}}
 */
function placeOf(note) {
  const n = /** @type {Object<string, any>} */ (note);
  return {table: n.table || null, round: typeof n.round === 'number' ? n.round : 0};
}

// --- pieces -----------------------------------------------------------------------------

/**
 * 「3班」 large, with the table's name (and the theme it came from) beside it.
 * @param {Board} board
 * @param {Table} table
 * @param {string} cls the class of the header
 * @returns {HTMLElement}
 */
export function tableHead(board, table, cls) {
  const origin = originTitle(board, table);
  return el('header', {class: cls}, [
    el('span', {class: 'table-number', text: t('screen.table_n', {n: table.number})}),
    el('div', {class: 'table-names'}, [
      table.name ? userText('h3', table.name, 'table-name') : null,
      origin ? el('p', {class: 'table-origin'}, [
        el('span', {class: 'table-origin-label', text: t('screen.theme_label')}),
        userText('span', origin, 'table-origin-title')]) : null
    ]),
    el('span', {class: 'table-seats'}, [icon('person'),
      el('span', {text: t('screen.members', {n: table.seat_count || 0})})])
  ]);
}

/**
 * Who sits at a table: the host first (marked), then the others who agreed to show their
 * name, in seat order, and 「ほか n名」 for those who did not (with those the list has no
 * room for, when screen-fit.js shortens it).
 * @param {Table} table
 * @param {string} cls a class to add
 * @returns {HTMLElement}
 */
export function peopleList(table, cls) {
  const names = (table.names || []).slice();
  const host = table.host_name || '';
  const list = el('ul', {class: 'table-people fit-list ' + cls, 'data-more': 'screen.more_people',
    'data-extra': String(table.others || 0), 'aria-label': t('screen.seated')});
  if (host) {
    const at = names.indexOf(host);
    if (at >= 0) {
      names.splice(at, 1);
    }
    list.appendChild(el('li', {class: 'seat-person is-host fit-item'}, [
      el('span', {class: 'host-badge', text: t('screen.table_host')}),
      userText('span', host, 'seat-name')]));
  }
  names.forEach(function (name) {
    list.appendChild(el('li', {class: 'seat-person fit-item'}, [
      userText('span', name, 'seat-name')]));
  });
  if (table.others > 0) {
    list.appendChild(el('li', {class: 'seat-others fit-extra',
      text: t('screen.more_people', {n: table.others})}));
  }
  if (!list.children.length) {
    list.appendChild(el('li', {class: 'seat-none', text: t('screen.nobody_seated')}));
  }
  return list;
}

/**
 * How many notes of each kind: an icon, the kind's word and the number (never colour alone).
 * @param {Array<Note>} notes
 * @returns {HTMLElement}
 */
export function kindCounts(notes) {
  return el('p', {class: 'kind-counts'}, ids('note_kinds').map(function (kind) {
    const n = notes.filter(function (note) { return note.kind === kind; }).length;
    return el('span', {class: 'kind-count kind-' + kind, 'data-kind': kind}, [icon(kind),
      el('span', {class: 'visually-hidden', text: label('note_kinds', kind)}),
      el('span', {class: 'kind-n', text: String(n)})]);
  }));
}

/**
 * A theme as one line: its title and how many notes it holds.
 * @param {Board} board
 * @param {Object<string, any>} theme
 * @returns {HTMLElement}
 */
export function themeLine(board, theme) {
  const n = boardNotes(board).filter(function (note) { return note.theme === theme.id; }).length;
  return el('li', {class: 'theme-line fit-item', 'data-theme-id': theme.id}, [
    userText('span', theme.title || '', 'theme-line-title'),
    el('span', {class: 'count', text: t('board.count', {n: n})})]);
}

// --- the grid -----------------------------------------------------------------------------

/**
 * What one cell shows of its table at a step: the newest notes (notes), its themes and the
 * notes in none or the most 共感 (themes); a cell of the room (table null) shows what no
 * table holds.
 * @param {Board} board
 * @param {string} view
 * @param {(Table|null)} table
 * @returns {{body: HTMLElement, counts: (HTMLElement|null), size: number}}
 */
function cellBody(board, view, table) {
  const id = table ? table.id : null;
  const notes = notesAt(board, id);
  if (view === 'themes') {
    const themes = themesAt(board, id);
    // Its themes, then — while the 共感 counts are shown — its notes with the most 共感 (the
    // room's chart, table by table), else the notes not yet in any theme (newest first):
    // what the table still sorts.
    const list = el('ul', {class: 'theme-lines cell-notes fit-list',
      'data-more': 'screen.more_items'});
    themes.forEach(function (th) { list.appendChild(themeLine(board, th)); });
    if (votesShown(board)) {
      byVotes(board, notes.filter(function (n) { return tally(board, n.id) > 0; }))
        .forEach(function (n) {
          const line = miniNote(n);
          line.appendChild(el('span', {class: 'mini-votes',
            text: t('screen.votes_n', {n: tally(board, n.id)})}));
          list.appendChild(line);
        });
    } else {
      const known = (board.collections.themes || new Map());
      notes.filter(function (n) { return !n.theme || !known.has(n.theme); }).reverse()
        .forEach(function (n) { list.appendChild(miniNote(n)); });
    }
    return {body: list, counts: kindCounts(notes), size: themes.length + notes.length};
  }
  const list = el('ul', {class: 'mini-notes cell-notes fit-list', 'data-more': 'screen.more'});
  notes.slice().reverse().forEach(function (n) { list.appendChild(miniNote(n)); });
  return {body: list, counts: kindCounts(notes), size: notes.length};
}

/**
 * One table's cell in the grid.
 * @param {Board} board
 * @param {string} view
 * @param {Table} table
 * @returns {HTMLElement}
 */
function tableCell(board, view, table) {
  const body = cellBody(board, view, table);
  return el('article', {class: 'table-cell', 'data-table-id': table.id,
    'data-number': String(table.number)}, [
    tableHead(board, table, 'cell-head'),
    el('div', {class: 'cell-people fit-box', 'data-trim-at': '1'}, [peopleList(table, '')]),
    body.counts,
    el('div', {class: 'cell-body fit-box', 'data-trim-at': '3'}, [body.body])
  ]);
}

/**
 * The cell of what belongs to no table (notes and themes from before the tables, room-wide
 * proposals), when there is any.
 * @param {Board} board
 * @param {string} view
 * @returns {(HTMLElement|null)}
 */
function roomCell(board, view) {
  const body = cellBody(board, view, null);
  if (!body.size) {
    return null;
  }
  return el('article', {class: 'table-cell room-cell', 'data-table-id': ''}, [
    el('header', {class: 'cell-head'}, [
      el('span', {class: 'table-number room-number', text: t('screen.room_wide')})]),
    body.counts,
    el('div', {class: 'cell-body fit-box', 'data-trim-at': '3'}, [body.body])
  ]);
}

/**
 * Lay the cells of ``grid`` out as the grid whose cells come closest to ``aspect``, at every
 * size the board tries (the area's size changes with the head's). A cell is never smaller
 * than CELL_MIN_CHARS × CELL_MIN_LINES of floor-sized text: when there are more tables than
 * cells of that size, the grid shows as many as fit but one, and a last cell says how many
 * more there are (「ほか 5つの班」); turnTables() shows the next page of them in turn.
 * @param {HTMLElement} area
 * @param {HTMLElement} grid
 * @param {number} aspect
 * @returns {function(number): void}
 */
function shapeCells(area, grid, aspect) {
  const cells = /** @type {Array<HTMLElement>} */ (Array.prototype.slice.call(grid.children));
  const probe = el('span', {class: 'floor-probe', 'aria-hidden': 'true'});
  const more = el('p', {class: 'table-cell tables-more'});
  grid.appendChild(probe);
  return function () {
    const rect = area.getBoundingClientRect();
    const floor = probe.getBoundingClientRect().width || 20;
    const fitCols = Math.max(1, Math.floor(rect.width / (CELL_MIN_CHARS * floor)));
    const fitRows = Math.max(1, Math.floor(rect.height / (CELL_MIN_LINES * floor)));
    const room = fitCols * fitRows;
    const shown = cells.length <= room ? cells.length : room - 1;
    // Shown a page at a time: the first of this page in data-first (not screen-fit.js's
    // data-start, which every refit sets back to 0).
    const first = parseInt(grid.getAttribute('data-first') || '0', 10) || 0;
    const start = shown < cells.length && first < cells.length ? first : 0;
    grid.setAttribute('data-first', String(start));
    grid.setAttribute('data-shown', String(shown));
    cells.forEach(function (cell, i) { cell.hidden = i < start || i >= start + shown; });
    if (shown < cells.length) {
      more.textContent = t('screen.more_tables',
        {n: cells.length - Math.min(shown, cells.length - start)});
      grid.appendChild(more);
    } else if (more.parentNode) {
      more.parentNode.removeChild(more);
    }
    const n = shown + (shown < cells.length ? 1 : 0);
    let best = {cols: 1, score: Infinity};
    for (let cols = 1; cols <= Math.min(n, fitCols); cols++) {
      const rows = Math.ceil(n / cols);
      if (cols > 1 && Math.ceil(n / (cols - 1)) === rows) {
        continue; // the same rows, with an empty column more
      }
      const ratio = (Math.max(rect.width, 1) / cols) / (Math.max(rect.height, 1) / rows);
      const score = Math.abs(Math.log(ratio / aspect)) + 0.1 * (cols * rows - n) / cols +
        (rows > fitRows ? 100 : 0);
      if (score < best.score) {
        best = {cols: cols, score: score};
      }
    }
    grid.style.setProperty('--cols', String(best.cols));
    grid.style.setProperty('--rows', String(Math.max(1, Math.ceil(n / best.cols))));
  };
}

/**
 * Where the grid drawn last was in its turns (a redraw at every new note would otherwise
 * show the first tables again and again).
 * @param {HTMLElement} view
 * @returns {string}
 */
function keptStart(view) {
  const before = view.querySelector('.table-grid');
  return (before && before.getAttribute('data-first')) || '0';
}

/**
 * Show the next tables of a grid that has more than fit (from the first again after the
 * last); the caller sizes their lists again.
 * @param {HTMLElement} view
 * @returns {boolean} whether anything turned
 */
export function turnTables(view) {
  const grid = /** @type {?HTMLElement} */ (view.querySelector('.table-grid'));
  if (!grid) {
    return false;
  }
  const cells = /** @type {Array<HTMLElement>} */ (Array.prototype.filter.call(grid.children,
    function (/** @type {Element} */ c) { return c.hasAttribute('data-table-id'); }));
  const shown = parseInt(grid.getAttribute('data-shown') || '0', 10);
  if (!shown || shown >= cells.length) {
    return false;
  }
  const next = (parseInt(grid.getAttribute('data-first') || '0', 10) || 0) + shown;
  const start = next >= cells.length ? 0 : next;
  grid.setAttribute('data-first', String(start));
  cells.forEach(function (cell, i) { cell.hidden = i < start || i >= start + shown; });
  const more = grid.querySelector('.tables-more');
  if (more) {
    more.textContent = t('screen.more_tables',
      {n: cells.length - Math.min(shown, cells.length - start)});
  }
  return true;
}

/**
 * The grid of tables for a step's board (notes, themes or proposals).
 * @param {HTMLElement} view the board element
 * @param {Board} board
 * @param {string} step the view of the step
 * @returns {function(number): void} shapes the grid at each size tried
 */
export function tablesGrid(view, board, step) {
  const start = keptStart(view);
  view.textContent = '';
  view.setAttribute('data-mode', 'grid');
  view.setAttribute('data-step-view', step);
  const grid = el('div', {class: 'table-grid', 'data-first': start});
  tablesOf(board).forEach(function (table) { grid.appendChild(tableCell(board, step, table)); });
  const room = roomCell(board, step);
  if (room) {
    grid.appendChild(room);
  }
  view.appendChild(grid);
  return shapeCells(view, grid, CELL_ASPECT);
}

/**
 * The seating: every table with who sits there, large, for people finding their seat.
 * @param {HTMLElement} view
 * @param {Board} board
 * @returns {function(number): void}
 */
export function seatingView(view, board) {
  const start = keptStart(view);
  view.textContent = '';
  view.setAttribute('data-mode', 'seating');
  view.removeAttribute('data-step-view');
  const round = board.workshop.round || 1;
  view.appendChild(el('h2', {class: 'seating-title'}, [
    el('span', {class: 'seating-round',
      text: round > 1 ? t('screen.seating_round', {n: round}) : t('screen.seating_title')}),
    el('span', {class: 'seating-hint', text: t('screen.seating_hint')})]));
  const grid = el('div', {class: 'table-grid seating-grid', 'data-first': start});
  tablesOf(board).forEach(function (table) {
    grid.appendChild(el('article', {class: 'table-cell seat-cell', 'data-table-id': table.id,
      'data-number': String(table.number)}, [
      tableHead(board, table, 'cell-head'),
      el('div', {class: 'cell-people fit-box', 'data-trim-at': '4'}, [
        peopleList(table, 'seat-people')])
    ]));
  });
  view.appendChild(grid);
  return shapeCells(grid, grid, SEAT_ASPECT);
}
