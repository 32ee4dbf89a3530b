// The projector's boards of steps 2 and 3: the themes (輪) with their notes, the unsorted
// notes and the 共感 chart; the proposals (計画案) with their priority. Sizes are not decided
// here: each builder marks what must fit ("fit-box") and what may be shortened ("fit-list"
// of "fit-item"), and screen-fit.js picks the size.

import {el, t, icon} from './page.js';
import {userText} from './ui.js';
import {
  boardNotes, items, tally, votesShown, shapedGrid, members, bar, setBar, miniNote, byVotes
} from './screen-cards.js';
import {label} from './vocab.js';
import {tableOfTheme} from './screen-tables.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./ui.js').Note} Note
 */

// How many notes the 共感 chart ranks: what a room can read at once, not a limit.
const TOP_VOTES = 10;

// --- step 2: 仲間を増やそう ----------------------------------------------------------------

/**
 * Notes grouped by theme, the unsorted aside, and the 共感 chart when counts are shown.
 * @param {HTMLElement} view
 * @param {Board} board
 * @returns {function(number): void} lays the themes out again at each size the board tries
 */
export function companionsView(view, board) {
  view.textContent = '';
  const notes = boardNotes(board);
  const themes = items(board, 'themes');
  const showVotes = votesShown(board);
  view.classList.toggle('with-votes', showVotes);

  const area = el('section', {class: 'themes-area', 'aria-label': t('screen.themes')});
  const wall = el('div', {class: 'theme-wall'});
  const probe = el('span', {class: 'theme-probe', 'aria-hidden': 'true'});
  /** @type {Array<HTMLElement>} */
  const cards = [];
  /** @type {Array<number>} */
  const weights = [];
  themes.forEach(function (theme) {
    const own = byVotes(board, notes.filter(function (n) { return n.theme === theme.id; }));
    const list = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
    own.forEach(function (n) { list.appendChild(miniNote(n)); });
    cards.push(el('article', {class: 'theme-card fit-box', 'data-trim-at': '6',
      'data-counted': '', 'data-theme-id': theme.id}, [
      el('header', {class: 'card-head'}, [
        userText('h3', theme.title, 'card-title'),
        el('p', {class: 'card-meta'}, [members(theme.member_count || 0),
          el('span', {class: 'count', text: t('board.count', {n: own.length})})])
      ]),
      list
    ]));
    // Roughly the lines a card needs: its notes, and its title and count.
    weights.push(own.reduce(function (sum, n) {
      return sum + 0.6 + Math.ceil(Array.from(n.text).length / 14);
    }, 3));
  });
  if (themes.length) {
    area.appendChild(probe);
    area.appendChild(wall);
  } else {
    area.appendChild(el('p', {class: 'empty', text: t('screen.themes_empty')}));
  }
  view.appendChild(area);

  /** @type {Object<string, boolean>} */
  const known = {};
  themes.forEach(function (th) { known[th.id] = true; });
  const loose = byVotes(board, notes.filter(function (n) { return !n.theme || !known[n.theme]; }));
  const aside = el('aside', {class: 'unsorted panel-box fit-box', 'data-trim-at': '6',
    'data-counted': '', 'aria-labelledby': 'unsorted-head'}, [
    el('h3', {id: 'unsorted-head', class: 'panel-head'}, [
      el('span', {text: t('screen.unsorted')}),
      el('span', {class: 'count', text: t('board.count', {n: loose.length})})
    ])
  ]);
  const looseList = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
  loose.forEach(function (n) { looseList.appendChild(miniNote(n)); });
  aside.appendChild(looseList);
  view.appendChild(aside);

  if (showVotes) {
    view.appendChild(votesPanel(board, notes));
  }

  let laidOut = 0;
  return function () {
    if (!cards.length) {
      return;
    }
    const width = probe.getBoundingClientRect().width || 1;
    const gap = parseFloat(window.getComputedStyle(wall).columnGap) || 0;
    const count = Math.max(1, Math.min(cards.length,
      Math.floor((wall.clientWidth + gap) / (width + gap))));
    if (count !== laidOut) {
      laidOut = count;
      packColumns(wall, cards, weights, count);
    }
  };
}

/**
 * Put cards into ``count`` columns of about equal weight (the heaviest first, each into
 * the lightest column; in their own order within a column). Each card's height is its
 * share of its column, so the columns are filled to the foot with no gaps.
 * @param {HTMLElement} wall
 * @param {Array<HTMLElement>} cards
 * @param {Array<number>} weights
 * @param {number} count
 */
export function packColumns(wall, cards, weights, count) {
  /** @type {Array<Array<number>>} */
  const columns = [];
  /** @type {Array<number>} */
  const load = [];
  for (let i = 0; i < count; i++) {
    columns.push([]);
    load.push(0);
  }
  cards.map(function (c, i) { return i; })
    .sort(function (a, b) { return weights[b] - weights[a] || a - b; })
    .forEach(function (i) {
      const lightest = load.indexOf(Math.min.apply(null, load));
      columns[lightest].push(i);
      load[lightest] += weights[i];
    });
  // Columns in the order of their first card, so the wall reads left to right.
  columns.sort(function (a, b) { return Math.min.apply(null, a) - Math.min.apply(null, b); });
  wall.textContent = '';
  columns.forEach(function (column) {
    const node = el('div', {class: 'theme-column'});
    column.sort(function (a, b) { return a - b; }).forEach(function (i) {
      cards[i].style.setProperty('--weight', weights[i].toFixed(1));
      node.appendChild(cards[i]);
    });
    wall.appendChild(node);
  });
}

/**
 * Draw the 共感 chart again in its place (a vote changed a count, nothing else).
 * @param {HTMLElement} view the board of step 2
 * @param {Board} board
 * @returns {(HTMLElement|null)} the new chart to size, or null when there is none to size
 *   (no chart on this board, or the same rows with new numbers)
 */
export function redrawVotes(view, board) {
  const old = view.querySelector('#votes-panel');
  if (!old) {
    return null;
  }
  const ranked = rankedVotes(board, boardNotes(board));
  const rows = old.querySelectorAll('.vote-row');
  const same = rows.length === ranked.length && ranked.every(function (note, i) {
    return rows[i].getAttribute('data-note-id') === note.id;
  });
  if (same) {
    // The same notes in the same order: only bars and numbers move, in place, and the
    // chart keeps its size and the rows it showed.
    const max = ranked.length ? tally(board, ranked[0].id) : 0;
    ranked.forEach(function (note, i) {
      const n = tally(board, note.id);
      rows[i].setAttribute('data-votes', String(n));
      setBar(/** @type {Element} */ (rows[i].querySelector('.bar')), n, max,
        t('screen.votes_n', {n: n}));
    });
    return null;
  }
  const panel = votesPanel(board, boardNotes(board));
  view.replaceChild(panel, old);
  return panel;
}

/**
 * The notes the 共感 chart ranks: those with votes, the most first, at most TOP_VOTES.
 * @param {Board} board
 * @param {Array<Note>} notes
 * @returns {Array<Note>}
 */
function rankedVotes(board, notes) {
  return byVotes(board, notes.filter(function (n) { return tally(board, n.id) > 0; }))
    .slice(0, TOP_VOTES);
}

/**
 * The 共感 chart: the notes with the most votes, a bar each, the count written.
 * @param {Board} board
 * @param {Array<Note>} notes
 * @returns {HTMLElement}
 */
function votesPanel(board, notes) {
  const ranked = rankedVotes(board, notes);
  const max = ranked.length ? tally(board, ranked[0].id) : 0;
  const list = el('ol', {id: 'vote-list', class: 'vote-list fit-list', 'data-more': 'screen.more'});
  ranked.forEach(function (note, i) {
    const n = tally(board, note.id);
    const text = el('p', {class: 'vote-note kind-' + note.kind}, [icon(note.kind),
      el('span', {class: 'visually-hidden', text: label('note_kinds', note.kind)}),
      userText('span', note.text, 'vote-text')]);
    const row = el('li', {class: 'vote-row fit-item', 'data-note-id': note.id,
      'data-votes': String(n)}, [
      el('span', {class: 'vote-rank', text: String(i + 1)}),
      el('div', {class: 'vote-main'}, [text, bar(n, max, t('screen.votes_n', {n: n}))])
    ]);
    list.appendChild(row);
  });
  return el('section', {id: 'votes-panel', class: 'votes-panel panel-box fit-box',
    'aria-labelledby': 'votes-head'}, [
    el('h3', {id: 'votes-head', class: 'panel-head'}, [icon('heart-hand'),
      el('span', {text: t('screen.votes_title')})]),
    list
  ]);
}

// --- step 3: 地域の活動にしよう ------------------------------------------------------------

/**
 * The proposals as cards, with their theme's title (and its table's 「2班」 at tables);
 * priority bars when counts are shown.
 * @param {HTMLElement} view
 * @param {Board} board
 * @returns {((function(number): void)|undefined)} shapes the grid at each size tried
 */
export function activityView(view, board) {
  view.textContent = '';
  const themes = board.collections.themes || new Map();
  const order = Array.from(themes.keys());
  let proposals = items(board, 'proposals');
  const shown = proposals.some(function (p) { return typeof p.priority_count === 'number'; });
  proposals = proposals.slice().sort(function (a, b) {
    const byCount = shown ? (b.priority_count || 0) - (a.priority_count || 0) : 0;
    return byCount || (order.indexOf(a.theme) - order.indexOf(b.theme));
  });
  if (!proposals.length) {
    view.appendChild(el('p', {class: 'empty', text: t('screen.proposals_empty')}));
    return undefined;
  }
  const max = proposals.reduce(function (m, p) { return Math.max(m, p.priority_count || 0); }, 0);
  const grid = el('div', {class: 'card-grid proposal-grid'});
  proposals.forEach(function (p) {
    const theme = themes.get(p.theme);
    const table = tableOfTheme(board, p.theme);
    const head = el('header', {class: 'card-head'}, [
      userText('h3', theme ? theme.title : '', 'card-title'),
      el('p', {class: 'card-meta'}, [
        table ? el('span', {class: 'table-badge', 'data-table-id': table.id,
          text: t('screen.table_n', {n: table.number})}) : null,
        theme ? members(theme.member_count || 0) : null,
        p.chosen ? el('span', {class: 'chosen-badge'}, [icon('check'),
          el('span', {text: t('screen.chosen')})]) : null])
    ]);
    const card = el('article', {class: 'proposal-card fit-box' + (p.chosen ? ' is-chosen' : ''),
      'data-trim-at': '6', 'data-theme-id': p.theme}, [head]);
    if (typeof p.priority_count === 'number') {
      card.appendChild(el('div', {class: 'priority'}, [
        el('span', {class: 'priority-label', text: t('screen.priority')}),
        bar(p.priority_count, max, t('screen.votes_n', {n: p.priority_count}))
      ]));
    }
    card.appendChild(el('p', {class: 'aim-label', text: t('screen.aim')}));
    card.appendChild(userText('p', p.aim || '', 'aim'));
    const ideas = el('ul', {class: 'ideas fit-list', 'data-more': 'screen.more_items',
      'aria-label': t('screen.ideas')});
    (p.ideas || []).forEach(function (/** @type {string} */ idea) {
      ideas.appendChild(el('li', {class: 'idea fit-item'}, [userText('span', idea, 'idea-text')]));
    });
    card.appendChild(ideas);
    grid.appendChild(card);
  });
  view.appendChild(grid);
  return shapedGrid(view, grid, 1.3);
}
