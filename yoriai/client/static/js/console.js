// The facilitator's console for the whole evening: steering (steps, timer, lock), and one
// workspace per step — notes, themes, proposals, actions and roles, review — with the
// people in the room beside them. This module wires the pieces: the connection's answers
// go back to the control that asked, and one redraw per frame draws every panel.
//
// The workspace follows the step when the facilitator moves the room on; any workspace is
// still one click (or arrow key) away, since the facilitator may do anything at any step.

import {
  loadWords, t, byId, setupTextSize, showStatus, setAlert, renderer, errorText
} from './page.js';
import {
  conn, board, state, setRender, answered, openView, errors, focusKeeper, workspaces
} from './console-core.js';
import {viewOf} from './vocab.js';
import {drawSteer, setupSteer} from './console-steer.js';
import {drawNotes, setupNotes} from './console-notes.js';
import {drawThemes, setupThemes} from './console-themes.js';
import {drawProposals} from './console-proposals.js';
import {drawActions} from './console-actions.js';
import {drawReview} from './console-review.js';
import {drawPeople, setupPeople} from './console-people.js';
import {drawTables, setupTables} from './console-tables.js';
import {drawSharing, setupSharing} from './console-sharing.js';
import {drawMap, setupMap} from './console-map.js';

/** @typedef {import('./conn.js').Command} Command */

loadWords();
setupTextSize();

const globalError = byId('global-error');
const render = renderer(draw);
setRender(render);
board.listen(render);
conn.onStatus = function (/** @type {string} */ status, /** @type {number} */ pending) {
  showStatus(status, pending);
  render();
};

board.onAck = function (/** @type {?Command} */ cmd, /** @type {Object<string, any>} */ msg) {
  if (answered(cmd, msg, null) && conn.state !== 'closed_unknown') {
    setAlert(globalError, '');
  }
  render();
};

board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  const message = errorText(err);
  // Shown next to the control that sent it; what no control sent goes on top.
  if (!answered(cmd, err, message) || !cmd || !cmd.ctx) {
    setAlert(globalError, message);
  }
  render();
};

// --- the workspaces as tabs --------------------------------------------------------------

/** The workspaces, one per view a step may show and the tables', in the order of the tabs. */
const VIEWS = workspaces();
/** The step's line shows from this width: a few words of its title. */
const STEP_LINE_MIN_REM = 6;

function drawTabs() {
  const stepView = viewOf(board.workshop.step);
  VIEWS.forEach(function (view) {
    const tab = byId('tab-' + view);
    const here = view === state.view;
    tab.setAttribute('aria-selected', here ? 'true' : 'false');
    tab.setAttribute('tabindex', here ? '0' : '-1');
    tab.classList.toggle('is-step', view === stepView);
    byId('view-' + view).hidden = !here;
  });
  // The step's line beside the tabs gets what room they leave; too little to say anything
  // (with the map's tab on a 1366 px laptop), it is not shown rather than read as a cut tab.
  const line = byId('step-line');
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  line.classList.toggle('is-squeezed', line.clientWidth < STEP_LINE_MIN_REM * rem);
}

function setupTabs() {
  const list = byId('tabs');
  VIEWS.forEach(function (view) {
    byId('tab-' + view).addEventListener('click', function () {
      openView(view);
    });
  });
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  list.addEventListener('keydown', function (ev) {
    // Only the tabs on show (the map's is hidden while there is no map to work on).
    const shown = VIEWS.filter(function (view) { return !byId('tab-' + view).hidden; });
    const at = shown.indexOf(state.view);
    let next = -1;
    if (ev.key === 'ArrowRight') {
      next = (at + 1) % shown.length;
    } else if (ev.key === 'ArrowLeft') {
      next = (at - 1 + shown.length) % shown.length;
    } else if (ev.key === 'Home') {
      next = 0;
    } else if (ev.key === 'End') {
      next = shown.length - 1;
    }
    if (next >= 0) {
      ev.preventDefault();
      state.view = shown[next];
      focusKeeper.ask('tab-' + shown[next]);
      render();
    }
  });
  window.addEventListener('resize', render);  // the step's line may have room now, or none
  document.querySelectorAll('[data-open-view]').forEach(function (b) {
    b.addEventListener('click', function () {
      openView(b.getAttribute('data-open-view') || '');
    });
  });
}

function draw() {
  if (conn.state === 'closed_unknown') {
    setAlert(globalError, t('error.unknown_workshop'));
  }
  if (board.workshop.title) {
    byId('workshop-title').textContent = board.workshop.title;
  }
  const before = focusKeeper.mark();
  drawSteer();
  drawMap();  // before the tabs: it says whether the map's tab shows, and a map step opens it
  drawTabs();
  drawPeople();
  drawNotes();
  drawThemes();
  drawProposals();
  drawActions();
  drawReview();
  drawTables();
  drawSharing();
  focusKeeper.restore(before);
  errors.place();
}

// The workshop's title goes into the app's top bar, beside the connection's state: the
// console's own bar keeps its room for the steps, the timer and the lock.
const title = byId('workshop-title');
const connStatus = byId('conn-status');
if (connStatus.parentElement) {
  connStatus.parentElement.insertBefore(title, connStatus.nextSibling);
}

setupSteer();
setupTabs();
setupNotes();
setupThemes();
setupPeople();
setupTables();
setupSharing();
setupMap();
showStatus(conn.state, 0);
draw();
conn.start(board.dispatch, board.resumeInfo);
