// One table large on the projector: over the board when the facilitator focuses it (focus
// {kind: "table"}), or as the board of a 全体共有 step (view "sharing"), one table at a time.
// Its number, name and people; its notes by kind, its themes, its proposal — while sharing,
// the proposal leads and 「全体共有 2/5」 says where the room is. Sizes are screen-fit.js's.

import {el, t, icon} from './page.js';
import {userText} from './ui.js';
import {tally, miniNote, byVotes} from './screen-cards.js';
import {
  tablesOf, notesAt, themesAt, proposalsAt, tableHead, peopleList, kindCounts, themeLine
} from './screen-tables.js';
import {ids, label} from './vocab.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./screen-tables.js').Table} Table
 */

/**
 * A panel of the large table: a head and a list that may be shortened.
 * @param {string} cls
 * @param {string} head
 * @param {string} trimAt the size from which it is shortened rather than the sheet shrunk
 * @param {HTMLElement} list
 * @returns {HTMLElement}
 */
function panel(cls, head, trimAt, list) {
  return el('section', {class: 'sheet-panel panel-box fit-box ' + cls, 'data-trim-at': trimAt,
    'data-counted': ''}, [el('h3', {class: 'panel-head', text: head}), list]);
}

/**
 * One table large: its number, name and people, its proposals, its themes and its notes by
 * kind. While sharing (全体共有) the proposals lead and 「全体共有 2/5」 says where the room is.
 * @param {Board} board
 * @param {Table} table
 * @param {(null|{n: number, total: number})} sharing
 * @returns {HTMLElement}
 */
export function tableSheet(board, table, sharing) {
  const notes = notesAt(board, table.id);
  const themes = themesAt(board, table.id);
  const proposals = proposalsAt(board, table.id);
  const head = tableHead(board, table, 'sheet-head');
  if (sharing) {
    head.insertBefore(el('span', {class: 'sharing-tag',
      text: t('screen.sharing_n', {n: sharing.n, total: sharing.total})}), head.firstChild);
  }
  const parts = [];
  if (proposals.length || sharing) {
    // Each proposal whole but its ideas, which screen-fit.js may shorten (「ほか n件」):
    // the aim is what the table shares with the room.
    const box = el('section', {class: 'sheet-panel panel-box fit-box panel-proposals',
      'data-trim-at': '3'}, [el('h3', {class: 'panel-head', text: t('screen.table_proposal')})]);
    proposals.forEach(function (p) {
      const theme = (board.collections.themes || new Map()).get(p.theme);
      const ideas = el('ul', {class: 'ideas fit-list', 'data-more': 'screen.more_items',
        'aria-label': t('screen.ideas')});
      (p.ideas || []).forEach(function (/** @type {string} */ idea) {
        ideas.appendChild(el('li', {class: 'idea fit-item'}, [
          userText('span', idea, 'idea-text')]));
      });
      box.appendChild(el('div', {class: 'sheet-proposal' + (p.chosen ? ' is-chosen' : ''),
        'data-theme-id': p.theme}, [
        userText('h4', theme ? theme.title : '', 'card-title'),
        p.aim ? userText('p', p.aim, 'aim') : null,
        ideas]));
    });
    if (!proposals.length) {
      box.appendChild(el('p', {class: 'sheet-none', text: t('screen.proposals_empty')}));
    }
    parts.push(box);
  }
  if (themes.length) {
    const list = el('ul', {class: 'theme-lines fit-list', 'data-more': 'screen.more_items'});
    themes.forEach(function (th) { list.appendChild(themeLine(board, th)); });
    parts.push(panel('panel-themes', t('screen.themes'), sharing ? '1' : '3', list));
  }
  /** @type {HTMLElement} */
  let notesPanel;
  if (sharing) {
    // While sharing, the notes are the background of the proposals: how many of each kind,
    // and those with the most 共感, shortened first.
    const list = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
    byVotes(board, notes).forEach(function (n) { list.appendChild(miniNote(n)); });
    notesPanel = el('section', {class: 'sheet-panel panel-box fit-box panel-notes',
      'data-trim-at': '1', 'data-counted': ''}, [kindCounts(notes), list]);
  } else {
    const kinds = el('div', {class: 'sheet-kinds'});
    ids('note_kinds').forEach(function (kind) {
      const ofKind = byVotes(board, notes.filter(function (n) { return n.kind === kind; }));
      const list = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
      ofKind.forEach(function (n) { list.appendChild(miniNote(n)); });
      kinds.appendChild(el('section', {class: 'sheet-kind fit-box kind-' + kind,
        'data-trim-at': '2', 'data-counted': ''}, [
        el('h4', {class: 'sheet-kind-head kind-' + kind}, [icon(kind),
          el('span', {text: label('note_kinds', kind)}),
          el('span', {class: 'count', text: t('board.count', {n: ofKind.length})})]),
        list]));
    });
    notesPanel = el('section', {class: 'sheet-panel panel-box panel-notes'}, [kinds]);
  }
  if (sharing) {
    parts.push(notesPanel);
  } else {
    parts.unshift(notesPanel);
  }
  const tallied = notes.some(function (n) { return tally(board, n.id) > 0; });
  return el('article', {class: 'table-sheet' + (sharing ? ' is-sharing' : '') +
    (tallied ? ' with-votes' : ''), 'data-table-id': table.id,
    'data-number': String(table.number)}, [
    head,
    el('div', {class: 'sheet-people fit-box', 'data-trim-at': '1'}, [peopleList(table, '')]),
    el('div', {class: 'sheet-body parts-' + parts.length}, parts)
  ]);
}

/**
 * Which table the room shares now: the focused one, else the first; and its place.
 * @param {Board} board
 * @returns {(null|{table: Table, n: number, total: number})}
 */
export function sharedTable(board) {
  const tables = tablesOf(board);
  if (!tables.length) {
    return null;
  }
  const focus = board.workshop.focus;
  let at = 0;
  if (focus && focus.kind === 'table') {
    at = Math.max(0, tables.map(function (tb) { return tb.id; }).indexOf(String(focus.id)));
  }
  return {table: tables[at], n: at + 1, total: tables.length};
}

/**
 * The 全体共有 board: one table at a time, large.
 * @param {HTMLElement} view
 * @param {Board} board
 */
export function sharingView(view, board) {
  view.textContent = '';
  const shared = sharedTable(board);
  if (!shared) {
    return;
  }
  view.setAttribute('data-table-id', shared.table.id);
  view.appendChild(tableSheet(board, shared.table, {n: shared.n, total: shared.total}));
}
