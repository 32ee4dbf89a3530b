// The tables (班) as the console knows them, and one table's board in the notes and themes
// workspaces: the list of tables in number order, a table's words (「2班 駅前」), which
// table's board is open ('' = every table, side by side in one list with a badge each), and
// the row of buttons above a workspace that chooses it. Shared by the テーブル panel
// (console-tables.js), 全体共有 (console-sharing.js) and the other workspaces.

import {t, el} from './page.js';
import {
  board, render, button, errors, focusKeeper, focusButton, inFocus, openView
} from './console-core.js';

/** @typedef {import('./console-core.js').Item} Item */

// --- the tables as the server sends them ---------------------------------------------------

/** @returns {Array<Item>} the tables, in their number order */
export function tableList() {
  return Array.from(board.kind('tables').values()).sort(function (a, b) {
    return Number(a.number) - Number(b.number);
  });
}

/**
 * 「2班」, or 「2班 駅前」 with its name.
 * @param {(string|null|undefined)} tableId
 * @param {boolean} [withName]
 * @returns {string}
 */
export function tableLabel(tableId, withName) {
  const table = tableId ? board.kind('tables').get(tableId) : null;
  if (!table) {
    return '';
  }
  const number = t('console.tables.number', {n: table.number});
  return withName && table.name ? number + ' ' + table.name : number;
}

// --- one table's board in the other workspaces ---------------------------------------------

/** The table whose board the notes and themes workspaces show ('' = every table). */
let shown = '';

/** @returns {string} the table shown in the notes and themes workspaces, '' for all */
export function boardTable() {
  if (shown && !board.kind('tables').has(shown)) {
    shown = ''; // the tables were made again
  }
  return shown;
}

/**
 * Whether a note or a theme is on the board being shown (every one when all tables are).
 * @param {Item} item a note or a theme (its "table")
 * @returns {boolean}
 */
export function onBoard(item) {
  const table = boardTable();
  return !table || item.table === table;
}

/**
 * Open one table's board (or every table's, with '') in a workspace.
 * @param {string} tableId
 * @param {string} [view] the workspace to open with it
 */
export function showTable(tableId, view) {
  shown = tableId;
  if (view) {
    openView(view);
  }
  render();
}

/**
 * The row of buttons above a workspace's board: 「すべてのテーブル」 or one table, and
 * showing the open table on the projector. Nothing while there are no tables.
 * @param {HTMLElement} box
 * @param {string} where the workspace (its buttons' focus keys)
 */
export function drawTableFilter(box, where) {
  const list = tableList();
  const open = boardTable();
  const sig = JSON.stringify([open, list.map(function (tb) {
    return [tb.id, tb.number, tb.name];
  }), inFocus('table', open), errors.get('filter:' + where)]);
  if (box.getAttribute('data-sig') === sig) {
    return;
  }
  box.setAttribute('data-sig', sig);
  box.textContent = '';
  box.hidden = list.length === 0;
  if (!list.length) {
    return;
  }
  const group = el('div', {class: 'table-filter-buttons', role: 'group',
    'aria-label': t('console.tables.filter')});
  /**
   * @param {string} id
   * @param {string} text
   * @param {string} [name]
   */
  const choice = function (id, text, name) {
    group.appendChild(button(text, function () {
      focusKeeper.ask('filter:' + where + ':' + id);
      showTable(id);
    }, {fk: 'filter:' + where + ':' + id, pressed: open === id,
      label: name ? text + ' ' + name : undefined}));
  };
  choice('', t('console.tables.all'));
  list.forEach(function (tb) {
    choice(tb.id, t('console.tables.number', {n: tb.number}), tb.name);
  });
  box.appendChild(group);
  if (open) {
    box.appendChild(focusButton('table', open, 'filter:' + where, false,
      tableLabel(open, true)));
    box.appendChild(el('p', {class: 'hint filter-hint',
      text: t('console.tables.filter_hint', {table: tableLabel(open)})}));
  }
  box.appendChild(errors.line('filter:' + where));
}
