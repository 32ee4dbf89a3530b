// What the projector's boards are built from: the notes, themes and counts as the board
// has them, and the pieces every step's board uses (a note line, a bar with its number,
// a count of members, a grid of cards shaped to the screen). Built with createElement and
// textContent only; every piece of user text sits in its own dir="auto" element.

import {el, t, icon} from './page.js';
import {userText, idNumber} from './ui.js';
import {label} from './vocab.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./ui.js').Note} Note
 * @typedef {Object<string, any>} Item one view of a theme, proposal, action or review
 */

/**
 * The notes on the board, oldest first: the projector is sent only what everyone may see
 * (facilitation/visibility.py), so it decides nothing about hidden or private notes.
 * @param {Board} board
 * @returns {Array<Note>}
 */
export function boardNotes(board) {
  return Array.from(board.notes.values());
}

/**
 * @param {Board} board
 * @param {string} kind
 * @returns {Array<Item>}
 */
export function items(board, kind) {
  const map = board.collections[kind];
  return map ? Array.from(map.values()) : [];
}

/**
 * The 共感 count of a note, or 0.
 * @param {Board} board
 * @param {string} id
 * @returns {number}
 */
export function tally(board, id) {
  const n = board.tallies ? board.tallies[id] : 0;
  return typeof n === 'number' ? n : 0;
}

/**
 * Whether the facilitator is showing the 共感 counts (there is something to show).
 * @param {Board} board
 * @returns {boolean}
 */
export function votesShown(board) {
  return !!board.tallies && Object.keys(board.tallies).some(function (id) {
    return tally(board, id) > 0;
  });
}

/**
 * The shapes (columns × rows) a grid of ``n`` cards may take in a ``width`` × ``height``
 * area, best first: cards about ``aspect`` times as wide as tall, few empty cells.
 * @param {number} n
 * @param {number} width
 * @param {number} height
 * @param {number} aspect
 * @returns {Array<{cols: number, rows: number}>}
 */
export function gridShapes(n, width, height, aspect) {
  const shapes = [];
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.max(1, Math.ceil(n / cols));
    if (cols > 1 && Math.ceil(n / (cols - 1)) === rows) {
      continue; // the same rows with an empty column more
    }
    const ratio = (width / cols) / (height / rows);
    shapes.push({cols: cols, rows: rows,
      score: Math.abs(Math.log(ratio / aspect)) + 0.15 * (cols * rows - n) / cols});
  }
  shapes.sort(function (a, b) { return a.score - b.score; });
  return shapes.map(function (s) { return {cols: s.cols, rows: s.rows}; });
}

/**
 * A grid of cards that takes, at each size the board tries, the best shape in which every
 * card shows all it has (or else the best shape).
 * @param {HTMLElement} area
 * @param {HTMLElement} grid
 * @param {number} aspect
 * @returns {function(number): void}
 */
export function shapedGrid(area, grid, aspect) {
  /** @param {{cols: number, rows: number}} shape */
  function use(shape) {
    grid.style.setProperty('--cols', String(shape.cols));
    grid.style.setProperty('--rows', String(shape.rows));
  }
  return function () {
    const rect = area.getBoundingClientRect();
    const shapes = gridShapes(grid.children.length, Math.max(rect.width, 1),
      Math.max(rect.height, 1), aspect).slice(0, 4);
    const fits = shapes.some(function (shape) {
      use(shape);
      return Array.prototype.every.call(grid.children, function (/** @type {Element} */ c) {
        return c.scrollHeight <= c.clientHeight + 1 && c.scrollWidth <= c.clientWidth + 1;
      });
    });
    if (!fits) {
      use(shapes[0]);
    }
  };
}

/**
 * 「7人」: how many people have joined a theme, with a person icon.
 * @param {number} n
 * @returns {HTMLElement}
 */
export function members(n) {
  return el('span', {class: 'members'}, [icon('person'),
    el('span', {text: t('screen.members', {n: n})})]);
}

/**
 * A horizontal bar with its number written beside it (never the bar alone).
 * @param {number} value
 * @param {number} max
 * @param {string} words the number in words, e.g. 「12票」
 * @returns {HTMLElement}
 */
export function bar(value, max, words) {
  const node = el('span', {class: 'bar'}, [
    el('span', {class: 'bar-track', 'aria-hidden': 'true'}, [el('span', {class: 'bar-fill'})]),
    el('span', {class: 'bar-number'})
  ]);
  setBar(node, value, max, words);
  return node;
}

/**
 * Give a bar made by ``bar`` a new value, in place.
 * @param {Element} node the bar
 * @param {number} value
 * @param {number} max
 * @param {string} words
 */
export function setBar(node, value, max, words) {
  const fill = /** @type {HTMLElement} */ (node.querySelector('.bar-fill'));
  const width = (max > 0 ? Math.max(2, Math.round(100 * value / max)) : 0) + '%';
  if (fill.style.width !== width) {
    fill.style.width = width;
  }
  const number = /** @type {HTMLElement} */ (node.querySelector('.bar-number'));
  if (number.textContent !== words) {
    number.textContent = words;
  }
}

/**
 * A small note line: its kind as icon (and hidden word for readers), then its text.
 * @param {Note} note
 * @param {string} [extra] a class to add
 * @returns {HTMLElement}
 */
export function miniNote(note, extra) {
  const item = el('li', {class: 'mini-note fit-item kind-' + note.kind + (extra ? ' ' + extra : ''),
    'data-note-id': note.id});
  item.appendChild(icon(note.kind));
  item.appendChild(el('span', {class: 'visually-hidden', text: label('note_kinds', note.kind)}));
  item.appendChild(userText('span', note.text, 'mini-text'));
  return item;
}

/**
 * Notes of one theme, the most 共感 first when counts are shown.
 * @param {Board} board
 * @param {Array<Note>} notes
 * @returns {Array<Note>}
 */
export function byVotes(board, notes) {
  return notes.slice().sort(function (a, b) {
    return (tally(board, b.id) - tally(board, a.id)) || (idNumber(a.id) - idNumber(b.id));
  });
}
