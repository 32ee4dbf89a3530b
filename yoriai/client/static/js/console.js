// The facilitator's console for the whole evening: steering (steps, timer, lock), and one
// workspace per step — notes, themes, proposals, actions and roles, review — with the
// people in the room beside them. This module wires the pieces: the connection's answers
// go back to the control that asked, and one redraw per frame draws every panel.
//
// The workspace follows the step when the facilitator moves the room on; any workspace is
// still one click (or arrow key) away, since the facilitator may do anything at any step.

import {loadWords, t, setupTextSize, showStatus, setAlert, renderer, errorText} from './ui.js';
import {conn, board, state, setRender, answered, openView} from './console-core.js';
import {views, viewOf} from './vocab.js';
import {drawSteer, setupSteer} from './console-steer.js';
import {drawNotes, setupNotes} from './console-notes.js';
import {drawThemes, setupThemes} from './console-themes.js';
import {drawProposals} from './console-proposals.js';
import {drawActions} from './console-actions.js';
import {drawReview} from './console-review.js';
import {drawPeople, setupPeople} from './console-people.js';

/** @typedef {import('./conn.js').Command} Command */

loadWords();
setupTextSize();

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

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

/** The workspaces, one per view a step may show, in the order of the tabs. */
const VIEWS = views();

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
    const at = VIEWS.indexOf(state.view);
    let next = -1;
    if (ev.key === 'ArrowRight') {
      next = (at + 1) % VIEWS.length;
    } else if (ev.key === 'ArrowLeft') {
      next = (at - 1 + VIEWS.length) % VIEWS.length;
    } else if (ev.key === 'Home') {
      next = 0;
    } else if (ev.key === 'End') {
      next = VIEWS.length - 1;
    }
    if (next >= 0) {
      ev.preventDefault();
      state.view = VIEWS[next];
      state.focusNext = 'tab-' + VIEWS[next];
      render();
    }
  });
  document.querySelectorAll('[data-open-view]').forEach(function (b) {
    b.addEventListener('click', function () {
      openView(b.getAttribute('data-open-view') || '');
    });
  });
}

// --- keeping the focus where the hands are --------------------------------------------

/** @returns {(string|null)} the focus key of the focused control */
function focusedKey() {
  const active = document.activeElement;
  return active && active !== document.body ? active.getAttribute('data-fk') : null;
}

// A control asked to get the focus (state.focusNext) may only be drawn when the server
// answers; it is looked for at each drawing for this long.
const FOCUS_WAIT_MS = 3000;
let focusAskedAt = 0;
let focusAskedFor = '';
/** Whether restoreFocus itself is moving the focus (that is no move of the person's). */
let restoring = false;

// Where the person puts the focus wins over a focus the page asked for before: a request
// left by the form just sent must not pull the hands back to it when the next drawing
// comes while they already type in another box (their words would land in the wrong one).
document.addEventListener('focusin', function () {
  if (!restoring) {
    state.focusNext = null;
    focusAskedFor = '';
  }
});

/**
 * @param {string} key
 * @returns {(HTMLElement|null)} the control with this focus key
 */
function byFocusKey(key) {
  return /** @type {(HTMLElement|null)} */ (document.querySelector(
    '[data-fk="' + key.replace(/["\\]/g, '\\$&') + '"]'));
}

/**
 * After a redraw, focus what was asked for (state.focusNext), or the control that had the
 * focus if the redraw rebuilt it: a keyboard user keeps their place when a card changes.
 * @param {(string|null)} before
 */
function restoreFocus(before) {
  const asked = state.focusNext;
  state.focusNext = null;
  const active = document.activeElement;
  const lost = !active || active === document.body || !active.isConnected;
  let target = asked ? byFocusKey(asked) : null;
  if (asked && !target) {
    // Not drawn yet (it comes with the answer): keep asking for a little while.
    if (focusAskedFor !== asked) {
      focusAskedFor = asked;
      focusAskedAt = Date.now();
    }
    if (Date.now() - focusAskedAt < FOCUS_WAIT_MS) {
      state.focusNext = asked;
    }
  } else {
    focusAskedFor = '';
  }
  if (!target) {
    if (!lost || !before) {
      return; // the hands are elsewhere now
    }
    target = byFocusKey(before);
  }
  if (target && target !== active) {
    restoring = true;
    try {
      target.focus();
    } finally {
      restoring = false;
    }
    if (target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement &&
        target.type === 'text')) {
      // Go on typing where the words end.
      target.setSelectionRange(target.value.length, target.value.length);
    }
  }
}

function draw() {
  if (conn.state === 'closed_unknown') {
    setAlert(globalError, t('error.unknown_workshop'));
  }
  if (board.workshop.title) {
    byId('workshop-title').textContent = board.workshop.title;
  }
  const before = focusedKey();
  drawSteer();
  drawTabs();
  drawPeople();
  drawNotes();
  drawThemes();
  drawProposals();
  drawActions();
  drawReview();
  restoreFocus(before);
  placeErrors();
}

/**
 * An error whose control is not on the screen (another workspace is open, or the item
 * is gone) is shown on top of the page instead, so that no refusal goes unseen.
 */
function placeErrors() {
  const refused = state.refused;
  state.refused = [];
  refused.forEach(function (ctx) {
    const message = state.errors[ctx];
    if (!message) {
      return;
    }
    const box = /** @type {(HTMLElement|null)} */ (document.querySelector(
      '[data-error-for="' + ctx.replace(/["\\]/g, '\\$&') + '"]'));
    if (!box || box.offsetParent === null) {
      setAlert(globalError, message);
    }
  });
}

setupSteer();
setupTabs();
setupNotes();
setupThemes();
setupPeople();
showStatus(conn.state, 0);
draw();
conn.start(board.dispatch, board.resumeInfo);
