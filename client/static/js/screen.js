// The projector: the live board in three columns (魅力・課題・思い), read-only.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, noteCard, reconcile, setupTextSize, showStatus, setAlert, renderer,
  stepWords
} from './ui.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 */

const KINDS = ['charm', 'issue', 'wish'];
// Card sizes, largest first: the board takes the largest with which every note fits on
// the screen (nobody scrolls a projector). Past the smallest, the oldest notes go below
// the edge; the newest, at the top of each column, stay in sight.
const DENSITIES = ['density-1', 'density-2', 'density-3'];

loadWords();
setupTextSize();

const body = document.body;
const conn = new Connection({code: body.getAttribute('data-code') || '',
  lang: document.documentElement.getAttribute('lang') || 'ja'});
const board = new Board(conn);
const lang = document.documentElement.getAttribute('lang') || 'ja';

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

const render = renderer(draw);
board.listen(render);
conn.onStatus = function (/** @type {string} */ state, /** @type {number} */ pending) {
  showStatus(state, pending);
  render();
};
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
  node.setAttribute('data-sig', sig);
  return node;
}

function draw() {
  if (conn.state === 'closed_unknown') {
    setAlert(byId('global-error'), t('error.unknown_workshop'));
  }
  if (board.workshop.title) {
    byId('workshop-title').textContent = board.workshop.title;
  }
  byId('participant-count').textContent = t('screen.participants', {n: board.participantCount});
  const step = board.workshop.step || body.getAttribute('data-step') || 'confirm';
  const stepText = stepWords(step, board.programStep(lang));
  byId('step-title').textContent = stepText.title;
  byId('step-prompt').textContent = stepText.prompt;
  const notes = board.newestFirst().filter(function (n) { return !n.hidden; });
  KINDS.forEach(function (kind) {
    const ofKind = notes.filter(function (n) { return n.kind === kind; });
    reconcile(byId('col-' + kind), ofKind, function (n) { return n.id; }, card);
    byId('count-' + kind).textContent = t('board.count', {n: ofKind.length});
  });
  fit();
  byId('board-empty').hidden = notes.length > 0;
}

/** Choose the largest card size with which the board fits the window. */
function fit() {
  const main = byId('main');
  const root = document.documentElement;
  for (let i = 0; i < DENSITIES.length; i++) {
    DENSITIES.forEach(function (name, j) { main.classList.toggle(name, i === j); });
    if (root.scrollHeight <= window.innerHeight) {
      return;
    }
  }
}

window.addEventListener('resize', render);
showStatus(conn.state, 0);
conn.start(board.dispatch, board.resumeInfo);
