// The projector: read-only, read from the back of a room. Always the step and its prompt,
// the shared timer, a join QR code and the count of people; below them the board of the
// current step (notes by kind; themes and 共感; proposals; the role board; the review), and
// a note, theme or table large over it when the facilitator focuses one. While people arrive
// (the console's 「参加受付」, or nobody has joined yet) the join view fills the screen.
// When the room works at tables (班), the notes and themes boards (steps 1-2) show the
// tables as a grid instead, the seating when tables are made or a round starts, and a
// 全体共有 step one table at a time (screen-tables.js, screen-sheet.js). A map step with a
// map shows the map with its pins instead (screen-map.js).

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, byId, setText, showStatus, setAlert, renderer, timerState
} from './page.js';
import {noteCard, reconcile} from './ui.js';
import {fit, refit, turn, ROTATE_SECS} from './screen-fit.js';
import {boardNotes, votesShown} from './screen-cards.js';
import {companionsView, activityView, redrawVotes} from './screen-themes.js';
import {practiceView, futureView} from './screen-plan.js';
import {focusCard} from './screen-focus.js';
import {drawJoin, setupTools} from './screen-join.js';
import {
  GRID_VIEWS, tablesGrid, seatingView, roundAtWork, tablesOf, turnTables
} from './screen-tables.js';
import {sharingView} from './screen-sheet.js';
import {shownMap, mapView, focusOnMap} from './screen-map.js';
import {ids, viewOf, step as stepOf, stepNumber, steps} from './vocab.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 */

const KINDS = ids('note_kinds');
// Every board the template has: one per step view (vocab.js views()), and the tables grid
// (data-view="tables"), which no step names but steps 1-2 show while there are tables.
const BOARDS = Array.from(document.querySelectorAll('#board [data-view]'),
  function (node) { return node.getAttribute('data-view') || ''; });
// Sizes of the board, largest first (screen.css: .fit-1 … .fit-7); the board takes the
// largest with which everything fits.
const LEVELS = 7;
const FOCUS_LEVELS = 5;
// The timer is redrawn this often, so that it turns within a fraction of a second of the
// true second (and so of every other screen in the room).
const TICK_MS = 200;
// A vote redraws the 共感 chart at once, alone; the notes inside the themes take their new
// order (most 共感 first) at most this often. Rebuilding and sizing the whole board at every
// vote cost an old laptop ~400 ms per vote while 30 phones voted (bench/devices.py), and a
// board that jumps at every vote cannot be read from the back of the room anyway.
const RESORT_MS = 4000;
// The tables grid is rebuilt and sized whole when a table's notes change: about 250 ms a
// note on an old laptop (4x CPU throttle, the sample evening at 5 tables; the room's board,
// which adds a card in place, about 100 ms). In a burst of notes it is drawn at most this
// often, always from the latest state, so that the laptop keeps up with the room.
// The map board (its pins clustered afresh at each change) is held to the same pace.
const GRID_MS = 1000;
/** The boards redrawn whole at most every GRID_MS in a burst. */
const PACED = ['tables', 'map'];

loadWords();

const body = document.body;
const lang = document.documentElement.getAttribute('lang') || 'ja';
const conn = new Connection({code: body.getAttribute('data-code') || '', lang: lang});
const board = new Board(conn);

/**
 * The board element of a view (the template marks each with data-view).
 * @param {string} view
 * @returns {HTMLElement}
 */
function boardOf(view) {
  return /** @type {HTMLElement} */ (document.querySelector('[data-view="' + view + '"]'));
}

/**
 * The layout class of the screen for a view, named after its board element (screen.css:
 * .step-confirm is the notes board's).
 * @param {string} view
 * @returns {string}
 */
function layoutOf(view) {
  return 'step-' + boardOf(view).id.replace(/^view-/, '');
}

const root = byId('screen');
const focusLayer = byId('focus');
/** What the board and the focus card were last drawn from (to redraw only on change). */
let drawnBoard = '';
let drawnFocus = '';
/** The 共感 counts the step-2 board was last drawn with. */
let drawnTallies = '';
/** The full redraw that puts the notes in their new order after votes. */
let resortTimer = 0;
/** The size each step's board had when last drawn. @type {Object<string, number>} */
const lastLevel = {};
/** The board drawn last (a step's view, or "tables"). */
let drawnMode = '';
/** The step, board, size and head the board was last drawn with, and when the tables grid
 * was last drawn (performance.now()), and the redraw waiting for GRID_MS to pass. */
let drawnFrame = '';
let gridDrawnAt = -Infinity;
let gridTimer = 0;
/** The tables' seating this projector last saw made (the round and the tables), the
 * facilitator's steering (focus, timer) at that moment, and whether it has changed since:
 * the seating shows until it does or something is written at a table. */
let seating = {key: '', steer: '', done: false};

const render = renderer(draw);
board.listen(render);
conn.onStatus = function (/** @type {string} */ state, /** @type {number} */ pending) {
  showStatus(state, pending);
  showLost(state);
  render();
};

/**
 * The projector has no status pill (no app chrome), so a lost connection says so in one
 * line over the board: a board that silently stopped following the room misleads it.
 * @param {string} state the connection's state (conn.js)
 */
function showLost(state) {
  const lost = state === 'reconnecting' || state === 'offline' || state.indexOf('closed_') === 0;
  const line = byId('screen-offline');
  line.hidden = !lost;
  line.textContent = lost ? t('conn.' + state) : '';
}
board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  if (err.code === 'unknown_workshop') {
    setAlert(byId('global-error'), t('error.unknown_workshop'));
  }
};

/**
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function card(note, before) {
  const sig = JSON.stringify(note);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const node = noteCard(note);
  node.classList.add('fit-item');
  node.setAttribute('data-sig', sig);
  return node;
}

/** @returns {string} the id of the current step */
function currentStep() {
  return board.workshop.step || body.getAttribute('data-step') || '';
}

function drawHeader() {
  if (board.workshop.title) {
    setText(byId('workshop-title'), board.workshop.title);
  }
  // The projector shows the program's own words for the step (vocab.js).
  const step = stepOf(currentStep());
  const n = stepNumber(currentStep());
  setText(byId('step-title'), step ? step.program_label : '');
  setText(byId('step-prompt'), step ? step.program_prompt : '');
  const number = byId('step-number');
  number.hidden = n === 0;
  setText(number, n === 0 ? '' : t('screen.step_n', {n: n, total: steps().length}));
  setText(byId('step-subtitle'), step ? step.subtitle : '');
  setText(byId('participant-count'), t('screen.participants', {n: board.participantCount}));
  byId('locked-notice').hidden = !board.workshop.locked;
}

/** The notes board of step 1, in three columns by kind, newest first. */
function drawConfirm() {
  const notes = boardNotes(board).reverse();
  const view = boardOf('notes');
  KINDS.forEach(function (kind) {
    const ofKind = notes.filter(function (n) { return n.kind === kind; });
    reconcile(byId('col-' + kind), ofKind, function (n) { return n.id; }, card);
    byId('count-' + kind).textContent = t('board.count', {n: ofKind.length});
  });
  byId('board-empty').hidden = notes.length > 0;
  view.classList.toggle('is-empty', notes.length === 0);
}

/**
 * Share the width of step 1's board among the kinds, at the current card size: each kind
 * gets whole columns of cards, as many as its notes need lines (so that no kind runs over
 * while another has room to spare).
 */
function shareColumns() {
  const probe = byId('card-probe');
  const width = probe.getBoundingClientRect().width;
  const font = parseFloat(window.getComputedStyle(probe).fontSize) || 16;
  const columns = /** @type {HTMLElement} */ (probe.parentElement);
  const between = parseFloat(window.getComputedStyle(columns).columnGap) || 0;
  const gap = parseFloat(window.getComputedStyle(byId('col-charm')).columnGap) || 0;
  const usable = columns.clientWidth - between * (KINDS.length - 1);
  const total = Math.max(KINDS.length, Math.floor((usable + KINDS.length * gap) / (width + gap)));
  const perLine = Math.max(4, Math.floor(width / font) - 1);
  /** @type {Array<number>} lines of text (and a little for each card's frame) per kind */
  const load = KINDS.map(function (kind) {
    let lines = 0;
    Array.prototype.forEach.call(byId('col-' + kind).children, function (/** @type {Element} */ li) {
      const text = li.querySelector('.note-text');
      const chars = text ? Array.from(text.textContent || '').length : 0;
      lines += Math.max(1, Math.ceil(chars / perLine)) + 0.6;
    });
    return lines;
  });
  const sum = load.reduce(function (a, b) { return a + b; }, 0);
  // One column each, then the rest by the largest remainder of each kind's share.
  const cols = KINDS.map(function () { return 1; });
  const spare = total - KINDS.length;
  const exact = load.map(function (l) { return sum > 0 ? Math.max(0, l / sum * total - 1) : spare / 3; });
  exact.forEach(function (e, i) { cols[i] += Math.floor(Math.min(e, spare)); });
  let left = total - cols.reduce(function (a, b) { return a + b; }, 0);
  const order = exact.map(function (e, i) { return i; }).sort(function (a, b) {
    return (exact[b] - Math.floor(exact[b])) - (exact[a] - Math.floor(exact[a]));
  });
  for (let i = 0; left > 0 && i < order.length; i++, left--) {
    cols[order[i]] += 1;
  }
  while (left < 0) { // never more columns than there is room for
    const most = cols.indexOf(Math.max.apply(null, cols));
    cols[most] -= 1;
    left += 1;
  }
  setColumns(cols);
  // The guess from lines of text is close; what the browser lays out decides. A kind that
  // still runs over takes a column from one that can spare it.
  for (let round = 0; round < KINDS.length * 2; round++) {
    const over = KINDS.filter(function (kind) { return overflows(byId('col-' + kind)); });
    if (!over.length) {
      return;
    }
    const taker = KINDS.indexOf(over[0]);
    const moved = KINDS.some(function (kind, giver) {
      if (giver === taker || cols[giver] < 2 || overflows(byId('col-' + kind))) {
        return false;
      }
      cols[giver] -= 1;
      cols[taker] += 1;
      setColumns(cols);
      if (!overflows(byId('col-' + kind))) {
        return true;
      }
      cols[giver] += 1;
      cols[taker] -= 1;
      setColumns(cols);
      return false;
    });
    if (!moved) {
      return;
    }
  }
}

/**
 * @param {Element} box
 * @returns {boolean} whether its content runs past its edges
 */
function overflows(box) {
  return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
}

/** @param {Array<number>} cols columns of cards for each kind */
function setColumns(cols) {
  KINDS.forEach(function (kind, i) {
    byId('column-' + kind).style.setProperty('--share', String(cols[i]));
    byId('col-' + kind).style.setProperty('--cols', String(cols[i]));
  });
}

/**
 * Which board shows for a step's view: the map in a map step once there is a map (after
 * the seating, while tables just made are looked for: world café's map step makes them),
 * the tables grid for steps 1-2 while there are tables,
 * the proposals for a 全体共有 step without tables, else the view's own.
 * @param {string} view
 * @returns {string}
 */
function modeOf(view) {
  const tables = board.collections.tables ? board.collections.tables.size > 0 : false;
  if (shownMap(board)) {
    // The step is about the map, tables or not; but people find their seat first.
    return tables && showSeating() ? 'tables' : 'map';
  }
  if (view === 'sharing') {
    return tables ? 'sharing' : 'proposals';
  }
  if (tables && GRID_VIEWS.indexOf(view) >= 0) {
    return 'tables';
  }
  return BOARDS.indexOf(view) >= 0 ? view : 'notes';
}

/**
 * Whether the tables grid shows the seating: from the moment these tables were made or this
 * round began, until the facilitator moves on (a focus, the timer started or changed) or the
 * room starts writing at the tables. A step change is not moving on: a program's round step
 * (world café 「席をかえて話そう」) comes just before or after the round starts, and that is
 * when people look for their seat. A projector opened later shows it too while nothing has
 * been written this round.
 * @returns {boolean}
 */
function showSeating() {
  const key = JSON.stringify([board.workshop.round || 0,
    tablesOf(board).map(function (tb) { return tb.id; })]);
  const steer = JSON.stringify([board.workshop.focus || null, board.workshop.timer || null]);
  if (seating.key !== key) {
    seating = {key: key, steer: steer, done: false};
  } else if (seating.steer !== steer) {
    seating.done = true; // for good: a focus shown and taken away has still moved on
  }
  return !seating.done && !roundAtWork(board);
}

/**
 * What the board of ``view`` is drawn from.
 * @param {string} view
 * @param {string} mode the board it shows (modeOf)
 * @returns {Array<any>}
 */
function boardData(view, mode) {
  /** @param {string} kind @returns {Array<any>} */
  function all(kind) {
    return Array.from((board.collections[kind] || new Map()).values());
  }
  if (mode === 'tables' || mode === 'sharing') {
    return [all('tables'), boardNotes(board), all('themes'), all('proposals'),
      mode === 'tables' ? [showSeating(), votesShown(board)]
        : [board.workshop.focus, board.tallies]];
  }
  switch (mode) {
    case 'map':
      return [boardNotes(board), shownMap(board)];
    case 'notes':
      return [boardNotes(board)];
    case 'themes':
      return [boardNotes(board), all('themes'), votesShown(board)]; // counts: drawVotes
    case 'proposals':
      return [all('proposals'), all('themes')];
    case 'actions':
      return [all('actions'), all('themes'), board.workshop.date];
    default:
      return [all('reviews'), all('actions')];
  }
}

/**
 * Build the board of the current step (emptying the others) and size it to the screen.
 * @param {string} view the step's view
 * @param {string} mode the board it shows (modeOf)
 */
function drawBoard(view, mode) {
  BOARDS.forEach(function (name) {
    const node = boardOf(name);
    node.hidden = name !== mode;
    if (name !== mode && name !== 'notes') {
      node.textContent = '';
    }
  });
  if (mode !== 'notes') {
    KINDS.forEach(function (kind) { byId('col-' + kind).textContent = ''; });
  }
  BOARDS.forEach(function (name) { root.classList.toggle(layoutOf(name), name === mode); });
  const node = boardOf(mode);
  /** @type {((function(number): void)|undefined)} */
  let prepare = undefined;
  if (mode === 'tables') {
    prepare = showSeating() ? seatingView(node, board) : tablesGrid(node, board, view);
  } else if (mode === 'sharing') {
    sharingView(node, board);
  } else if (mode === 'map') {
    prepare = mapView(node, board, /** @type {import('./screen-map.js').MapHeader} */ (
      shownMap(board)), body.getAttribute('data-code') || '');
  } else if (mode === 'notes') {
    drawConfirm();
    prepare = shareColumns;
  } else if (mode === 'themes') {
    prepare = companionsView(node, board);
  } else if (mode === 'proposals') {
    prepare = activityView(node, board);
  } else if (mode === 'actions') {
    practiceView(node, board, lang);
  } else {
    futureView(node, board);
  }
  const level = fit(root, node, LEVELS, prepare, lastLevel[mode]);
  lastLevel[mode] = level;
  root.setAttribute('data-fit', String(level));
}

/**
 * Only the counts changed: the 共感 chart is drawn again in its place and sized at the
 * board's present size; the whole board follows within RESORT_MS (one redraw for a burst).
 * @param {string} view
 */
function drawVotes(view) {
  const panel = redrawVotes(boardOf(view), board);
  if (panel) {
    refit(panel);
  }
  if (!resortTimer) {
    resortTimer = window.setTimeout(function () {
      resortTimer = 0;
      drawnBoard = '';
      render();
    }, RESORT_MS);
  }
}

function drawFocus() {
  const cardNode = focusCard(board, drawnMode === 'sharing');
  focusLayer.textContent = '';
  focusLayer.hidden = !cardNode;
  root.classList.toggle('has-focus', !!cardNode);
  // On the map the card stands beside its pin, not over it (screen-map.js).
  focusOnMap(drawnMode === 'map' ? boardOf('map') : null, focusLayer, board);
  if (cardNode) {
    focusLayer.appendChild(cardNode);
    fit(focusLayer, cardNode, FOCUS_LEVELS);
  }
}

function draw() {
  if (conn.state === 'closed_unknown') {
    setAlert(byId('global-error'), t('error.unknown_workshop'));
  }
  drawHeader();
  drawJoin(board, body.getAttribute('data-code') || '');
  tick();
  const view = viewOf(currentStep());
  const mode = modeOf(view);
  const size = [window.innerWidth, window.innerHeight];
  const header = [board.workshop.title, currentStep(), board.workshop.locked,
    byId('step-prompt').textContent, board.participantCount, byId('timer').hidden];
  const frame = JSON.stringify([view, mode, size, header]);
  const boardSig = JSON.stringify([frame, boardData(view, mode)]);
  // The 共感 counts, where a board shows them: the themes board, and the tables at step 2.
  const counted = mode === 'themes' || (mode === 'tables' && view === 'themes');
  const tallies = counted ? JSON.stringify(board.tallies) : '';
  const since = performance.now() - gridDrawnAt;
  if (boardSig !== drawnBoard && PACED.indexOf(mode) >= 0 && frame === drawnFrame &&
      since < GRID_MS) {
    // Only the tables' (or the map's) things changed, drawn a moment ago: later.
    if (!gridTimer) {
      gridTimer = window.setTimeout(function () {
        gridTimer = 0;
        render();
      }, GRID_MS - since);
    }
  } else if (boardSig !== drawnBoard) {
    drawnBoard = boardSig;
    drawnFrame = frame;
    drawnTallies = tallies;
    drawnMode = mode;
    window.clearTimeout(resortTimer);
    resortTimer = 0;
    drawBoard(view, mode);
    gridDrawnAt = PACED.indexOf(mode) >= 0 ? performance.now() : -Infinity;
    drawnFocus = '';
  } else if (tallies !== drawnTallies) {
    drawnTallies = tallies;
    drawVotes(mode);
  }
  const focusSig = JSON.stringify([boardSig, board.workshop.focus, board.tallies]);
  if (focusSig !== drawnFocus) {
    drawnFocus = focusSig;
    drawFocus();
  }
}

// --- the shared timer ----------------------------------------------------------------------

/**
 * Seconds as m:ss (minutes may pass 59: 「90:00」).
 * @param {number} seconds
 * @returns {string}
 */
function clock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 0.001));
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s;
}

/** Redraw the timer: running, paused, or at zero; hidden when there is none. */
function tick() {
  const box = byId('timer');
  const now = timerState(board);
  const state = now.state;
  if (box.hidden !== (state === 'none')) {
    box.hidden = state === 'none';
    render(); // the header changed its shape: the board is sized again
  }
  if (state === 'none') {
    box.setAttribute('data-state', 'none');
    return;
  }
  const text = clock(now.left);
  const time = byId('timer-time');
  if (time.textContent !== text) {
    time.textContent = text;
  }
  if (box.getAttribute('data-state') !== state) {
    box.setAttribute('data-state', state);
    box.className = 'timer timer-' + state;
    byId('timer-label').textContent = t('screen.timer_' + state);
  }
}

window.addEventListener('resize', render);
setupTools();
// A shortened list shows its next items in turn, while the board is what the room sees.
window.setInterval(function () {
  if (byId('join-view').hidden && focusLayer.hidden && drawnMode) {
    const node = boardOf(drawnMode);
    if (drawnMode === 'tables' && turnTables(node)) {
      refit(node); // the tables now shown have their lists shortened at the board's size
    } else {
      turn(node);
    }
  }
}, ROTATE_SECS * 1000);
window.setInterval(tick, TICK_MS);
showStatus(conn.state, 0);
conn.start(board.dispatch, board.resumeInfo);
