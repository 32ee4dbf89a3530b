// The participant's phone: join, then take part in the step the facilitator has the room
// in; when the facilitator changes step, the phone follows at once.
//
//   確かめてみよう     phone-notes.js    write notes, fix or remove your own, read everyone's
//   仲間を増やそう     phone-themes.js   共感 votes on the room's notes; join themes (輪)
//   地域の活動にしよう phone-plan.js     your theme's proposal; 「優先したい」 on everyone's
//   実践しよう         phone-actions.js  the role board: 「やります」 to become a 担い手
//   将来につなげよう   phone-review.js   review in two columns; progress of what you took on
//
// This module wires the page: the join form, the step's heading, the lock and the timer,
// and the answers from the server. A step's view is loaded (import()) the first time the
// room reaches it, and the others once the board is shown: the first visit of a phone on a
// crowded Wi-Fi fetches only what the join form needs.
//
// One clear thing to do per screen: where a step has two, a pair of big switches chooses
// which one is shown. The step's main control is on the first screen of a 320×568 phone
// (issue 11): the step's prompt is folded to one line with 「もっと読む」, and a form's send
// button rides at the bottom of the screen (app.css). Every refusal is shown in words next
// to what caused it, or in the bar fixed at the bottom of the screen when that is not on
// the screen; the lock and 「共感を使い切りました」 are in that bar too.
//
// Tables (班): seated at one, the phone shows 「3班」 big in the top bar and lists its
// table's things first (phone-tables.js); a table host goes between the step and
// 「テーブルの進行」 (phone-host.js, loaded only on a host's phone) with a button in the top
// bar's second row, which stays on the screen.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, errorText, el, icon, byId, setupTextSize, showStatus, setAlert, renderer,
  limitChars, timerState, onComposed, Errors, FocusKeeper
} from './page.js';

/**
 * @typedef {import('./conn.js').Command} Command
 * @typedef {import('./phone-kit.js').StepView} StepView
 * @typedef {typeof import('./vocab.js')} Vocab
 * @typedef {typeof import('./phone-tables.js')} Tables
 * @typedef {{draw: function(string): void, acked: function(Command): void,
 *   refused: function(Command): void, stepChanged: function(): void}} HostTools
 */

/** The module of each view a step may show (server/vocab.py views); "quiet", for a step
 * that opens nothing to participants, has none: it only says to wait. */
const MODULES = {
  notes: './phone-notes.js', themes: './phone-themes.js', proposals: './phone-plan.js',
  actions: './phone-actions.js', review: './phone-review.js'
};
/** Views a phone shows as another: 全体共有 (the projector shows one table at a time) is,
 * on a phone, the proposals and their 「優先したい」 when the step opens them (every table's
 * proposal joins the room's priority vote); a step that opens nothing is quiet, as any. */
const SAME_AS = {sharing: 'proposals'};
/** How long the step's prompt is highlighted after the room moved on, in ms. */
const NEW_STEP_FLASH_MS = 3000;
const TIMER_TICK_MS = 1000;

loadWords();
setupTextSize();

const body = document.body;
const code = body.getAttribute('data-code') || '';
const lang = document.documentElement.getAttribute('lang') || 'ja';

// The facilitator's preview (?preview=1): the board as a phone shows it now, without
// joining, keeping a token or sending anything.
const preview = body.getAttribute('data-preview') === '1';
const conn = new Connection({code: code, lang: lang, persist: !preview});
const board = new Board(conn);

const joinSection = byId('join');
const boardSection = byId('board');
if (preview) {
  boardSection.setAttribute('inert', '');  // to look at, not to press
}
const joinForm = /** @type {HTMLFormElement} */ (byId('join-form'));
const joinButton = /** @type {HTMLButtonElement} */ (byId('join-submit'));
const nameBox = /** @type {HTMLInputElement} */ (joinForm.elements.namedItem('name'));
const globalError = byId('global-error');
const stepError = byId('step-error');
const promptBox = byId('prompt');
const moreButton = /** @type {HTMLButtonElement} */ (byId('more-button'));
const phoneBar = byId('phone-bar');

const render = renderer(draw);
// A refusal whose own line is scrolled off the screen goes to the bottom bar as well.
const errors = new Errors(stepError, true);
const focus = new FocusKeeper();

/** The step views loaded so far, by view. @type {Object<string, StepView>} */
const loaded = {};
/** Views being loaded. @type {Object<string, boolean>} */
const loading = {};
/** The shared part of the step views (phone-kit.js), once loaded.
 * @type {(null|{countPending: function(): void, tabs: Object<string, string>})} */
let kit = null;
/** The server's vocabulary (vocab.js: the steps with their words and views), once loaded.
 * @type {(Vocab|null)} */
let vocab = null;
/** Tables on the phone (phone-tables.js), loaded with the kit. @type {(Tables|null)} */
let tables = null;
/** A table host's tools (phone-host.js), loaded once this person hosts a table.
 * @type {(HostTools|null)} */
let host = null;
let hostLoading = false;
/** Whether the host has 「テーブルの進行」 on the screen rather than the step. */
let hostOpen = false;
/** The kit and the vocabulary on their way. @type {(Promise<void>|null)} */
let shared = null;
/** The step the page showed last (to notice the facilitator moving on). @type {(string|null)} */
let shownStep = null;
let flashTimer = 0;
/** Whether the step's prompt is read in full (「もっと読む」 pressed); a new step folds it. */
let promptOpen = false;
/** What the page showed at its last drawing (join | board | missing). @type {string} */
let shownMode = '';
/** What the fold was measured for (the prompt's words, the text size; a resize clears it):
 * it is measured again only when one changes, not at every drawing (a measure forces a
 * layout). */
let foldKey = '';
/** Whether the prompt, folded, does not fit on its line. */
let foldCut = false;

board.listen(render);
onComposed(render); // a card held back while a word was being converted
window.addEventListener('resize', function () {
  foldKey = ''; // the prompt may fit on its line now, or no longer
  render();
});

/** The forms' send bars and the page's end stay clear of the bar fixed at the bottom. */
function barHeight() {
  document.documentElement.style.setProperty('--phone-bar-h', phoneBar.offsetHeight + 'px');
}
const barWatch = typeof window.ResizeObserver === 'function'
  ? new window.ResizeObserver(barHeight) : null;
if (barWatch) {
  barWatch.observe(phoneBar);
}

// A text box given the focus is brought clear of the send bar riding at the bottom of the
// screen (its scroll-margin in app.css): the browser scrolls it only when it is hidden.
document.addEventListener('focusin', function (ev) {
  const box = /** @type {HTMLElement} */ (ev.target);
  if (box && (box.tagName === 'TEXTAREA' || box.tagName === 'INPUT') && box.closest('.form')) {
    box.scrollIntoView({block: 'nearest'});
  }
});

// 文字を大きく changes what fits where (the prompt's fold, the table's number): draw again.
const textSizeButton = document.getElementById('text-size');
if (textSizeButton) {
  textSizeButton.addEventListener('click', function () { render(); });
}

moreButton.addEventListener('click', function () {
  promptOpen = !promptOpen;
  render();
});
conn.onStatus = function (/** @type {string} */ state, /** @type {number} */ pending) {
  showStatus(state, pending);
  render();
};

// --- the step views, loaded when needed ----------------------------------------------------

/**
 * Load a view's module (and the kit it shares) unless it is loaded or on its way; draw
 * again when it is there. A load that fails (the Wi-Fi dropped) is tried at the next drawing.
 * @param {string} view
 */
function load(view) {
  const path = /** @type {Object<string, string>} */ (MODULES)[view];
  if (!path || loaded[view] || loading[view]) {
    return;
  }
  loading[view] = true;
  loadShared().then(function () {
    return import(path);
  }).then(function (/** @type {StepView} */ m) {
    loaded[view] = m;
    loading[view] = false;
    render();
  }, function () {
    loading[view] = false;
  });
}

/**
 * Load what every step view needs: the kit and the vocabulary.
 * @returns {Promise<void>}
 */
function loadShared() {
  if (!shared) {
    shared = Promise.all([import('./phone-kit.js'), import('./vocab.js'),
      import('./phone-tables.js')]).then(function (m) {
      m[0].init({conn: conn, board: board, errors: errors, focus: focus, render: render,
        lang: lang, stepError: stepError});
      kit = m[0];
      vocab = m[1];
      tables = m[2];
      render();
    }, function (/** @type {*} */ e) {
      shared = null; // tried again at the next drawing
      throw e;
    });
  }
  return shared;
}

/** Load every step view, so that the next step shows at once even on a slow network. */
function loadAll() {
  Object.keys(MODULES).forEach(load);
}

/** Load the table host's tools (once the kit is there), unless loaded or on their way. */
function loadHost() {
  if (host || hostLoading || !kit) {
    return;
  }
  hostLoading = true;
  import('./phone-host.js').then(function (/** @type {HostTools} */ m) {
    host = m;
    hostLoading = false;
    render();
  }, function () {
    hostLoading = false; // tried again at the next drawing
  });
}

/** @returns {Array<StepView>} the step views loaded, and the host's tools */
function loadedViews() {
  const views = Object.keys(loaded).map(function (v) { return loaded[v]; });
  if (host) {
    // Told of answers and step changes as the step views are (drawn apart: drawTables).
    views.push({draw: function () {}, acked: host.acked, refused: host.refused,
      stepChanged: host.stepChanged});
  }
  return views;
}

// A table host's switch: from the step, as everyone has it, to 「テーブルの進行」, and back.
const hostSwitch = byId('host-switch');
hostSwitch.addEventListener('click', function () {
  hostOpen = !hostOpen;
  window.scrollTo(0, 0);
  render();
});

// --- answers to what this page sent ---------------------------------------------------

board.onAck = function (/** @type {?Command} */ cmd) {
  if (!cmd) {
    return;
  }
  if (conn.state !== 'closed_unknown') {
    setAlert(globalError, ''); // something went through: an older trouble is over
  }
  setAlert(stepError, '');
  errors.clear(cmd.ctx);
  loadedViews().forEach(function (v) {
    if (v.acked) {
      v.acked(cmd);
    }
  });
  render();
};

board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  const message = errorText(err);
  if (err.code === 'bad_token') {
    // The server does not know this phone any more: join again.
    errors.set('join', message);
  } else if (err.code === 'unknown_workshop' || !cmd || !cmd.ctx) {
    setAlert(globalError, message);
  } else {
    errors.set(cmd.ctx, message);
    loadedViews().forEach(function (v) {
      if (v.refused) {
        v.refused(cmd, message);
      }
    });
  }
  render();
};

// --- joining ---------------------------------------------------------------------------

limitChars(nameBox);

joinForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  const showBox = /** @type {HTMLInputElement} */ (joinForm.elements.namedItem('show_name'));
  const name = nameBox.value.trim();
  const checked = /** @type {(HTMLInputElement|null)} */ (joinForm.querySelector(
    'input[name="attribute"]:checked'));
  if (!name) {
    errors.set('join', t('error.empty_name'));
    nameBox.focus();
    render();
    return;
  }
  if (!checked) {
    errors.set('join', t('error.bad_attribute'));
    render();
    return;
  }
  errors.clear('join');
  setAlert(globalError, '');
  conn.command('join', {name: name, attribute: checked.value, show_name: showBox.checked},
    'join');
  render();
});

// --- the status row and the timer ------------------------------------------------------------

// The connection state and the shared timer stay in sight while the page scrolls: they
// share the top bar's second row, which stays at the top of the screen (app.css).
const statusRow = el('div', {class: 'status-row'});
const connBox = byId('conn-status');
if (connBox && connBox.parentNode) {
  connBox.parentNode.insertBefore(statusRow, connBox);
  statusRow.appendChild(connBox);
}
// The table's number goes into the top bar's first row, beside the tools: on a phone that
// row has room to spare (the brand is hidden there), so 「3班」 costs the step no height.
const tableBadge = byId('table-badge');
const toolsBox = document.querySelector('.topbar-tools');
if (toolsBox && toolsBox.parentNode) {
  toolsBox.parentNode.insertBefore(tableBadge, toolsBox);
  toolsBox.id = 'topbar-menu'; // what 「メニュー」 opens on a narrow page (below)
}
const timerWords = el('span', {class: 'timer-words'});
const timerBox = el('p', {id: 'timer', class: 'timer', role: 'timer', hidden: true},
  [icon('timer'), timerWords]);
statusRow.appendChild(timerBox);
// A table host's switch rides in the same row, at its end: the row is there anyway (the
// connection line), so the switch takes the step no height above its main control (a
// row of its own pushed 共感する off the first screen of a 320×568 phone with big text).
// It comes before the timer: a running timer then takes a line of its own under them,
// rather than the timer and the switch each one line more.
statusRow.insertBefore(hostSwitch, timerBox);
// On a very narrow page (a phone zoomed in; app.css, 14em) the bar folds to one row, 「3班」
// and 「メニュー」, which opens the tools, the connection line and テーブルの進行 under it;
// Escape closes it. (Here, not in a module of its own: the join page stays at 6 requests.)
const topbar = /** @type {HTMLElement} */ (document.querySelector('header.topbar'));
const menuButton = el('button', {type: 'button', id: 'menu-button', class: 'button menu-button',
  'aria-expanded': 'false', 'aria-controls': 'topbar-menu host-switch'}, [t('phone.menu')]);
tableBadge.after(menuButton); // the tools it opens come right after it in the focus order
/** @param {boolean} open */
function showMenu(open) {
  topbar.classList.toggle('is-menu-open', open);
  menuButton.setAttribute('aria-expanded', String(open));
}
menuButton.addEventListener('click', function () { showMenu(!topbar.matches('.is-menu-open')); });
hostSwitch.addEventListener('click', function () { showMenu(false); }); // its tools fill it
topbar.addEventListener('keydown', function (ev) {
  if (ev.key === 'Escape' && topbar.matches('.is-menu-open')) {
    showMenu(false);
    menuButton.focus();
  }
});

/** The shared timer, in words, redrawn every second. */
function drawTimer() {
  const now = timerState(board);
  const whole = Math.ceil(now.left);
  const parts = {m: Math.floor(whole / 60), s: whole % 60};
  let text = '';
  if (now.state === 'done') {
    text = t('timer.done');
  } else if (now.state === 'paused') {
    text = t('timer.paused', parts);
  } else if (now.state === 'running') {
    text = parts.m > 0 ? t('timer.left', parts) : t('timer.left_seconds', parts);
  }
  if (timerWords.textContent !== text) {
    timerWords.textContent = text;
  }
  timerBox.hidden = !text;
  timerBox.classList.toggle('is-done', now.state === 'done');
}

window.setInterval(drawTimer, TIMER_TICK_MS);

// --- drawing ---------------------------------------------------------------------------

/** @returns {string} the id of the step the room is in */
function currentStep() {
  return board.workshop.step || body.getAttribute('data-step') || '';
}

/**
 * The view of a step on a phone: the one the program gives it (server/vocab.py), or
 * "quiet" when the step opens nothing to participants.
 * @param {Vocab} words
 * @param {string} stepId
 * @returns {string}
 */
function viewOf(words, stepId) {
  const step = words.step(stepId);
  if (!step || !step.opens.length) {
    return 'quiet';
  }
  const view = /** @type {Object<string, string>} */ (SAME_AS)[step.view] || step.view;
  // A view this phone does not know (a newer server): wait quietly, never a blank board.
  return (/** @type {Object<string, string>} */ (MODULES))[view] ? view : 'quiet';
}

/** @returns {string} which part of the page to show: join | board | missing */
function mode() {
  if (conn.state === 'closed_unknown') {
    return 'missing';
  }
  if (board.role === 'participant' || board.role === 'cofacilitator' ||
      board.role === 'table_host' || preview) {
    return 'board';
  }
  if (board.role === null && conn.token()) {
    return 'board'; // not connected yet, but this phone has joined before
  }
  return 'join';
}

/**
 * The step's heading: its number, title, subtitle and prompt, as the server words them.
 * @param {Vocab} words
 * @param {string} step
 */
function drawStepHead(words, step) {
  const head = words.step(step);
  const title = head ? head.label : '';
  const number = words.stepNumber(step);
  byId('step-title').textContent = title;
  byId('step-prompt').textContent = head ? head.prompt : '';
  byId('step-count').textContent = number > 0
    ? t('step.of', {n: number, total: words.steps().length}) : '';
  const subtitle = byId('step-subtitle');
  subtitle.textContent = head ? head.subtitle : '';
  subtitle.hidden = !subtitle.textContent;
  if (shownStep !== null && shownStep !== step) {
    // The facilitator moved the room on: start the new step at its prompt, and say so.
    if (kit) {
      kit.tabs.companions = kit.tabs.activity = kit.tabs.future = '';
    }
    errors.clearAll(function (ctx) { return ctx !== 'join'; });
    focus.drop();
    setAlert(stepError, '');
    loadedViews().forEach(function (v) {
      if (v.stepChanged) {
        v.stepChanged();
      }
    });
    byId('step-announce').textContent = t('step.changed', {step: title});
    promptOpen = false;
    window.scrollTo(0, 0);
    promptBox.classList.add('is-new');
    window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(function () {
      promptBox.classList.remove('is-new');
    }, NEW_STEP_FLASH_MS);
  }
  shownStep = step;
  drawFold();
}

/**
 * The prompt folded to one line, with 「もっと読む」 when it does not fit there (or has a
 * subtitle to show); open, all of it, with 「たたむ」.
 */
function drawFold() {
  const promptText = byId('step-prompt');
  const subtitle = byId('step-subtitle');
  // (Not window.innerWidth here: reading it forces a layout; a resize clears foldKey.)
  const key = [promptText.textContent, subtitle.textContent,
    document.documentElement.className, boardSection.hidden].join('\n');
  if (key !== foldKey) {
    promptBox.classList.add('is-folded');
    foldCut = promptText.scrollWidth > promptText.clientWidth + 1;
    foldKey = key;
  }
  const cut = foldCut || !subtitle.hidden;
  promptBox.classList.toggle('is-folded', !promptOpen);
  moreButton.hidden = !cut && !promptOpen;
  const words = t(promptOpen ? 'phone.less' : 'phone.more');
  if (moreButton.textContent !== words) {
    moreButton.textContent = words;
  }
  moreButton.setAttribute('aria-expanded', promptOpen ? 'true' : 'false');
}

function draw() {
  const before = focus.mark();
  const now = mode();
  joinSection.hidden = now !== 'join';
  const welcome = now === 'board' && board.me ? t('join.welcome', {name: board.me.name}) : '';
  if (byId('welcome').textContent !== welcome) {
    byId('welcome').textContent = welcome;
  }
  boardSection.hidden = now !== 'board';
  const joining = conn.pending().some(function (c) { return c.name === 'join'; });
  joinButton.disabled = joining;
  joinButton.textContent = joining ? t('join.sending') : t('join.submit');
  drawTimer();
  if (now === 'missing') {
    setAlert(globalError, t('error.unknown_workshop'));
  } else if (now === 'board') {
    drawBoard();
  }
  if (now !== 'board') {
    hostSwitch.hidden = true; // in the top bar, outside the board: hidden with it
    body.classList.remove('is-host');
  }
  errors.place();
  focus.restore(before);
  if (!barWatch) {
    barHeight(); // no ResizeObserver (an old browser): measured at each drawing
  }
  body.classList.toggle('is-joined', now === 'board');
  if (now === 'board' && shownMode === 'join' && !preview) {
    // Just joined: show the step from its top, not the middle of the form that was here.
    window.scrollTo(0, 0);
    promptBox.focus({preventScroll: true});
  }
  shownMode = now;
}

function drawBoard() {
  byId('locked-notice').hidden = !board.workshop.locked;
  byId('votes-out').hidden = true; // the 共感 view says so while it is on the screen
  const words = vocab;
  if (!words) {
    loadShared().catch(function () {
      // Not fetched (the Wi-Fi dropped): tried again at the next drawing.
    });
  }
  const step = currentStep();
  const view = words ? viewOf(words, step) : '';
  if (words) {
    drawStepHead(words, step);
    load(view);
    loadAll();
  }
  const module = loaded[view];
  const ready = view === 'quiet' || !!module;
  const hosting = drawTables();
  Array.prototype.forEach.call(boardSection.querySelectorAll('.step-view[data-view]'),
    function (/** @type {HTMLElement} */ box) {
      box.hidden = hosting || !ready || box.getAttribute('data-view') !== view;
    });
  if (kit) {
    kit.countPending();
  }
  if (hosting && host) {
    host.draw(step);
  } else if (module && kit) {
    module.draw();
  }
}

/**
 * The table line (「3班」) and, for a table host, the switch to 「テーブルの進行」.
 * @returns {boolean} whether the host's tools take the screen instead of the step
 */
function drawTables() {
  const hostBox = byId('host');
  if (!tables) {
    tableBadge.hidden = byId('table-name').hidden = true;
    hostSwitch.hidden = hostBox.hidden = true;
    body.classList.remove('is-host');
    return false;
  }
  tables.drawBadge();
  tables.drawOnScreen();
  const hosts = !!tables.hostOf() && !preview;
  if (hosts) {
    loadHost();
  } else {
    hostOpen = false; // no longer a host: the step again
  }
  hostSwitch.hidden = !hosts;
  // The host's phone gives the title line (the workshop's name, ようこそ) to the step: the
  // switch's row is taller than the connection line alone, and the host knows who they are.
  body.classList.toggle('is-host', hosts);
  // The button says where it goes: to the table's tools, or back to the step.
  const words = t(hostOpen ? 'host.back' : 'host.tab_host');
  if (byId('host-switch-words').textContent !== words) {
    byId('host-switch-words').textContent = words;
  }
  hostSwitch.classList.toggle('is-open', hostOpen);
  const hosting = hosts && hostOpen && !!host;
  hostBox.hidden = !hosting;
  return hosting;
}

showStatus(conn.state, conn.pending().length);
draw();
conn.start(board.dispatch, board.resumeInfo);
