// The participant's phone: join, then take part in the step the facilitator has the room
// in; when the facilitator changes step, the phone follows at once.
//
//   確かめてみよう     write notes, fix or remove your own, read everyone's
//   仲間を増やそう     共感 votes on the room's notes; join the themes (輪) you want to work on
//   地域の活動にしよう your theme's proposal (計画案); 「優先したい」 on everyone's proposals
//   実践しよう         the role board: 「やります」 to become one of an action's 担い手
//   将来につなげよう   review in two columns (広げたい / 見直したい); progress of what you took on
//
// One clear thing to do per screen: where a step has two, a pair of big switches chooses
// which one is shown. Every refusal is shown in words next to what caused it, or under the
// step's prompt when that is no longer on the screen.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, errorText, el, icon, noteCard, reconcile, setupTextSize, showStatus, setAlert,
  renderer, charCount, stepWords, userText, kindBadge, idNumber
} from './ui.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{key: string, note: Note, unsent: boolean, deleting: boolean,
 *   cmdId: (string|null)}} MineItem
 *   key: the note id, or the command id of a note not yet sent
 * @typedef {Object<string, any>} Item a theme, proposal, action or review as the server sends it
 * @typedef {{view: string, tab: string}} Place where on the page a command's card stands
 * @typedef {{aim: string, ideas: Array<string>, dirty: boolean, base: string}} Draft
 *   a proposal being written; base is the server's version it started from
 */

const NOTE_MAX = 140;

loadWords();
setupTextSize();

const body = document.body;
const code = body.getAttribute('data-code') || '';
const lang = document.documentElement.getAttribute('lang') || 'ja';

// The facilitator's preview (?preview=1): the board as a phone shows it now, without
// joining, keeping a token or sending anything.
const preview = document.body.getAttribute('data-preview') === '1';
const conn = new Connection({code: code, lang: lang, persist: !preview});
const board = new Board(conn);

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

const joinSection = byId('join');
const boardSection = byId('board');
if (preview) {
  boardSection.setAttribute('inert', '');  // to look at, not to press
}
const joinForm = /** @type {HTMLFormElement} */ (byId('join-form'));
const joinError = byId('join-error');
const joinButton = /** @type {HTMLButtonElement} */ (byId('join-submit'));
const noteForm = /** @type {HTMLFormElement} */ (byId('note-form'));
const noteText = /** @type {HTMLTextAreaElement} */ (byId('note-text'));
const noteCount = byId('note-count');
const noteError = byId('note-error');
const mineList = byId('mine-list');
const mineEmpty = byId('mine-empty');
const othersList = byId('others-list');
const othersEmpty = byId('others-empty');
const othersCount = byId('others-count');
const globalError = byId('global-error');
const welcome = byId('welcome');
const stepTitle = byId('step-title');
const stepPrompt = byId('step-prompt');
const stepCount = byId('step-count');
const stepSubtitle = byId('step-subtitle');
const stepAnnounce = byId('step-announce');
const stepError = byId('step-error');
const promptBox = byId('prompt');
const lockedNotice = byId('locked-notice');
const noteSubmit = /** @type {HTMLButtonElement} */ (byId('note-submit'));

/** The card being edited: its key and the draft so far.
 * @type {({key: string, text: string, kind: string}|null)} */
let editing = null;
/** The card asking "remove this note?". @type {(string|null)} */
let confirming = null;
/** Error messages shown on a card, by card key. @type {Object<string, string>} */
const cardErrors = {};
/** What to focus after the next drawing (a card's button or edit box), so that a
 * keyboard or screen reader user keeps their place when a card changes.
 * @type {({key: string, sel: string}|null)} */
let focusNext = null;

const render = renderer(draw);
board.listen(render);
conn.onStatus = function (/** @type {string} */ state, /** @type {number} */ pending) {
  showStatus(state, pending);
  render();
};

// --- answers to what this page sent ---------------------------------------------------

board.onAck = function (/** @type {?Command} */ cmd) {
  if (!cmd) {
    return;
  }
  if (conn.state !== 'closed_unknown') {
    setAlert(globalError, ''); // something went through: an older trouble is over
  }
  setAlert(stepError, '');
  if (placeOf(cmd.ctx)) {
    delete stepErrors[cmd.ctx];
    if (cmd.name === 'write_proposal') {
      saved[String(cmd.args.theme_id)] = true;
    }
  }
  if (cmd.ctx === 'join') {
    setAlert(joinError, '');
  } else if (cmd.ctx === 'note') {
    setAlert(noteError, '');
  } else if (cmd.ctx.indexOf('note:') === 0) {
    delete cardErrors[cmd.ctx.slice(5)];
  } else if (cmd.ctx === 'review') {
    setAlert(reviewError, '');
  }
  render();
};

board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  const message = errorText(err);
  const place = cmd ? placeOf(cmd.ctx) : null;
  if (err.code === 'bad_token') {
    // The server does not know this phone any more: join again.
    setAlert(joinError, message);
  } else if (err.code === 'unknown_workshop') {
    setAlert(globalError, message);
  } else if (cmd && cmd.ctx === 'join') {
    setAlert(joinError, message);
  } else if (cmd && place && !onScreen(place)) {
    // What caused it is no longer on the screen (the step moved on while it was on its
    // way): say so under the step's prompt, where the reader is looking.
    setAlert(stepError, message);
  } else if (cmd && cmd.ctx === 'note') {
    setAlert(noteError, message);
    if (!noteText.value && cmd.args && typeof cmd.args.text === 'string') {
      // Give the words back so they can be fixed instead of typed again.
      noteText.value = cmd.args.text;
      checkKind(noteForm, cmd.args.kind);
      updateCount();
    }
  } else if (cmd && cmd.ctx.indexOf('note:') === 0) {
    const key = cmd.ctx.slice(5);
    if (board.notes.has(key)) {
      cardErrors[key] = message;
      if (cmd.name === 'edit_note') {
        editing = {key: key, text: String(cmd.args.text || ''), kind: String(cmd.args.kind || '')};
      }
    } else {
      setAlert(globalError, message);
    }
  } else if (cmd && cmd.ctx === 'review') {
    setAlert(reviewError, message);
    if (!reviewText.value && typeof cmd.args.text === 'string') {
      reviewText.value = cmd.args.text;
      checkValue(reviewForm, 'column', String(cmd.args.column));
      updateReviewCount();
    }
  } else if (cmd && place) {
    stepErrors[cmd.ctx] = message;
    if (cmd.name === 'edit_review') {
      reviewEdit = {id: String(cmd.args.review_id), text: String(cmd.args.text || '')};
    }
  } else {
    setAlert(globalError, message);
  }
  render();
};

// --- forms -----------------------------------------------------------------------------

/**
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {string} the value of the checked radio button, or ''
 */
function checkedValue(form, name) {
  const box = /** @type {(HTMLInputElement|null)} */ (form.querySelector(
    'input[name="' + name + '"]:checked'));
  return box ? box.value : '';
}

/**
 * @param {(HTMLFormElement|HTMLElement)} form
 * @param {string} kind
 */
function checkKind(form, kind) {
  checkValue(form, 'kind', kind);
}

/**
 * @param {(HTMLFormElement|HTMLElement)} form
 * @param {string} name
 * @param {string} value
 */
function checkValue(form, name, value) {
  Array.prototype.forEach.call(form.querySelectorAll('input[name="' + name + '"]'),
    function (/** @type {HTMLInputElement} */ box) { box.checked = box.value === value; });
}

function updateCount() {
  const left = NOTE_MAX - charCount(noteText.value.trim());
  noteCount.textContent = left >= 0 ? t('note.chars_left', {n: left})
    : t('note.chars_over', {n: -left});
  noteCount.classList.toggle('over', left < 0);
}

joinForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  const nameBox = /** @type {HTMLInputElement} */ (joinForm.elements.namedItem('name'));
  const showBox = /** @type {HTMLInputElement} */ (joinForm.elements.namedItem('show_name'));
  const name = nameBox.value.trim();
  const attribute = checkedValue(joinForm, 'attribute');
  if (!name) {
    setAlert(joinError, t('error.empty_name'));
    nameBox.focus();
    return;
  }
  if (!attribute) {
    setAlert(joinError, t('error.bad_attribute'));
    return;
  }
  setAlert(joinError, '');
  setAlert(globalError, '');
  conn.command('join', {name: name, attribute: attribute, show_name: showBox.checked}, 'join');
  render();
});

noteForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  const kind = checkedValue(noteForm, 'kind');
  const text = noteText.value;
  if (!kind) {
    setAlert(noteError, t('error.bad_note_kind'));
    return;
  }
  if (!text.trim()) {
    setAlert(noteError, t('error.empty_note'));
    noteText.focus();
    return;
  }
  setAlert(noteError, '');
  conn.command('post_note', {kind: kind, text: text}, 'note');
  noteText.value = '';
  updateCount();
  render();
});

noteText.addEventListener('input', updateCount);

// --- drawing ---------------------------------------------------------------------------

/** @returns {Array<MineItem>} my notes as they will be once what waits is sent */
function mineItems() {
  /** @type {Array<MineItem>} */
  const items = [];
  /** @type {Object<string, Command>} */
  const edits = {};
  /** @type {Object<string, boolean>} */
  const deletes = {};
  const queue = conn.pending();
  queue.forEach(function (cmd) {
    if (cmd.name === 'edit_note') {
      edits[cmd.args.note_id] = cmd;
    } else if (cmd.name === 'delete_note') {
      deletes[cmd.args.note_id] = true;
    }
  });
  queue.slice().reverse().forEach(function (cmd) {
    if (cmd.name === 'post_note') {
      items.push({key: cmd.id, cmdId: cmd.id, unsent: true, deleting: false, note: {
        id: cmd.id, kind: String(cmd.args.kind), text: String(cmd.args.text), step: '',
        mine: true, hidden: false, edited: false}});
    }
  });
  board.newestFirst().forEach(function (note) {
    if (!board.isMine(note)) {
      return;
    }
    const edit = edits[note.id];
    const shown = edit ? Object.assign({}, note, {
      text: String(edit.args.text), kind: String(edit.args.kind || note.kind)}) : note;
    items.push({key: note.id, cmdId: null, note: shown, unsent: !!edit || !!deletes[note.id],
      deleting: !!deletes[note.id]});
  });
  return items;
}

/**
 * @param {MineItem} item
 * @returns {string} what the card shows; the same string means the same card
 */
function signature(item) {
  return JSON.stringify([item.note, item.unsent, item.deleting,
    item.cmdId ? conn.isHeld(item.cmdId) : true,
    editing && editing.key === item.key, confirming === item.key,
    cardErrors[item.key] || '', isLocked()]);
}

/**
 * The card of one of my notes, with its buttons or its edit form.
 * @param {MineItem} item
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function mineCard(item, before) {
  const sig = signature(item);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const note = item.note;
  const labels = [];
  if (item.unsent) {
    labels.push(t('note.unsent'));
  }
  if (note.hidden) {
    labels.push(t('note.hidden_mine'));
  }
  const card = noteCard(note, labels);
  card.setAttribute('data-sig', sig);
  card.classList.add('mine');
  if (item.unsent) {
    card.classList.add('is-unsent');
  }
  // Commands on their way can no longer be changed; the card waits for the answer.
  const changeable = !item.deleting && (item.cmdId === null || conn.isHeld(item.cmdId));
  if (editing && editing.key === item.key) {
    card.appendChild(editForm(item));
  } else if (confirming === item.key && changeable) {
    card.appendChild(el('div', {class: 'confirm'}, [
      el('p', {class: 'confirm-question', text: t('note.delete_confirm')}),
      el('div', {class: 'actions'}, [
        lockable(button(t('note.delete'), 'danger', function () { remove(item); })),
        button(t('note.cancel'), 'secondary', function () {
          confirming = null;
          focusNext = {key: item.key, sel: '.edit'};
          render();
        })
      ])
    ]));
  } else if (changeable) {
    card.appendChild(el('div', {class: 'actions'}, [
      lockable(button(t('note.edit'), 'secondary edit', function () {
        editing = {key: item.key, text: note.text, kind: note.kind};
        confirming = null;
        delete cardErrors[item.key];
        focusNext = {key: item.key, sel: 'textarea'};
        render();
      })),
      lockable(button(t('note.delete'), 'secondary', function () {
        confirming = item.key;
        editing = null;
        focusNext = {key: item.key, sel: '.confirm .secondary'};
        render();
      }))
    ]));
  }
  card.appendChild(el('p', {class: 'form-error', role: 'alert', text: cardErrors[item.key] || ''}));
  return card;
}

/**
 * @param {string} label
 * @param {string} kind primary | secondary | danger
 * @param {function(): void} onClick
 * @returns {HTMLElement}
 */
function button(label, kind, onClick) {
  const b = el('button', {type: 'button', class: 'button ' + kind, text: label});
  b.addEventListener('click', onClick);
  return b;
}

/**
 * The inline form that fixes a note.
 * @param {MineItem} item
 * @returns {HTMLElement}
 */
function editForm(item) {
  const draft = editing || {key: item.key, text: item.note.text, kind: item.note.kind};
  const form = el('form', {class: 'edit-form', novalidate: true});
  const group = 'kind-' + item.key;
  const kinds = el('fieldset', {class: 'kinds kinds-small'}, [
    el('legend', {text: t('note.kind')})
  ]);
  ['charm', 'issue', 'wish'].forEach(function (kind) {
    const box = el('input', {type: 'radio', name: 'kind', value: kind, class: 'kind-input',
      id: group + '-' + kind});
    /** @type {HTMLInputElement} */ (box).checked = draft.kind === kind;
    box.addEventListener('change', function () {
      if (editing) {
        editing.kind = kind;
      }
    });
    kinds.appendChild(box);
    const label = el('label', {for: group + '-' + kind, class: 'kind-choice kind-' + kind});
    label.appendChild(icon(kind));
    label.appendChild(el('span', {class: 'kind-word', text: t('kind.' + kind)}));
    kinds.appendChild(label);
  });
  const areaId = 'edit-' + item.key;
  const area = /** @type {HTMLTextAreaElement} */ (el('textarea', {id: areaId, name: 'text',
    rows: '3', dir: 'auto', class: 'user-text'}));
  area.value = draft.text;
  area.addEventListener('input', function () {
    if (editing) {
      editing.text = area.value;
    }
  });
  form.appendChild(kinds);
  form.appendChild(el('label', {for: areaId, class: 'field-label', text: t('note.text')}));
  form.appendChild(area);
  const save = lockable(el('button', {type: 'submit', class: 'button primary',
    text: t('note.save')}));
  form.appendChild(el('div', {class: 'actions'}, [
    save,
    button(t('note.cancel'), 'secondary', function () {
      editing = null;
      delete cardErrors[item.key];
      focusNext = {key: item.key, sel: '.edit'};
      render();
    })
  ]));
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const text = area.value;
    const kind = checkedValue(/** @type {HTMLFormElement} */ (form), 'kind') || item.note.kind;
    if (!text.trim()) {
      cardErrors[item.key] = t('error.empty_note');
      if (editing) {
        editing.text = text;
      }
      render();
      return;
    }
    delete cardErrors[item.key];
    editing = null;
    focusNext = {key: item.key, sel: '.edit'};
    if (item.cmdId) {
      conn.amend(item.cmdId, {kind: kind, text: text});
    } else {
      conn.command('edit_note', {note_id: item.key, text: text, kind: kind}, 'note:' + item.key);
    }
    render();
  });
  return form;
}

/** @param {MineItem} item */
function remove(item) {
  confirming = null;
  if (item.cmdId) {
    conn.withdraw(item.cmdId);
  } else {
    conn.command('delete_note', {note_id: item.key}, 'note:' + item.key);
  }
  render();
}

/**
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function otherCard(note, before) {
  const sig = JSON.stringify(note);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = noteCard(note);
  card.setAttribute('data-sig', sig);
  return card;
}

/** @returns {string} which part of the page to show: join | board | missing */
function mode() {
  if (conn.state === 'closed_unknown') {
    return 'missing';
  }
  if (board.role === 'participant' || board.role === 'cofacilitator' || preview) {
    return 'board';
  }
  if (board.role === null && conn.token()) {
    return 'board'; // not connected yet, but this phone has joined before
  }
  return 'join';
}

function draw() {
  const now = mode();
  joinSection.hidden = now !== 'join';
  boardSection.hidden = now !== 'board';
  if (now === 'missing') {
    setAlert(globalError, t('error.unknown_workshop'));
    return;
  }
  const joining = conn.pending().some(function (c) { return c.name === 'join'; });
  joinButton.disabled = joining;
  joinButton.textContent = joining ? t('join.sending') : t('join.submit');
  drawTimer();
  if (now !== 'board') {
    return;
  }
  welcome.textContent = board.me ? t('join.welcome', {name: board.me.name}) : '';
  const step = currentStep();
  drawStepHead(step);
  const view = viewFor(step);
  pend = pendingByCtx();
  lockedNotice.hidden = !isLocked();
  VIEWS.forEach(function (name) {
    byId('view-' + name).hidden = name !== view;
  });
  if (view === 'confirm') {
    drawNotes();
  } else if (view === 'companions') {
    drawCompanions();
  } else if (view === 'activity') {
    drawActivity();
  } else if (view === 'practice') {
    drawPractice();
  } else if (view === 'future') {
    drawFuture();
  }
}

/** Step 1: the note form, my notes, everyone else's. */
function drawNotes() {
  if (editing && !board.notes.has(editing.key) && !conn.isHeld(editing.key)) {
    editing = null; // the note went away under the edit
  }
  noteSubmit.disabled = isLocked();
  // A card rebuilt under the reader's focus gives it back to the same button.
  const active = document.activeElement;
  const activeCard = active && mineList.contains(active) ? active.closest('[data-key]') : null;
  const mine = mineItems();
  reconcile(mineList, mine, function (item) { return item.key; }, mineCard);
  mineEmpty.hidden = mine.length > 0;
  if (!focusNext && activeCard && active && !mineList.contains(active) &&
      active.classList.contains('edit')) {
    focusNext = {key: activeCard.getAttribute('data-key') || '', sel: '.edit'};
  }
  if (focusNext) {
    const within = mineList.querySelector('[data-key="' + focusNext.key + '"]');
    const target = within ? within.querySelector(focusNext.sel) : null;
    if (target) {
      /** @type {HTMLElement} */ (target).focus();
    }
    focusNext = null;
  }

  const others = board.newestFirst().filter(function (n) { return !board.isMine(n); });
  reconcile(othersList, others, function (n) { return n.id; }, otherCard);
  othersEmpty.hidden = others.length > 0;
  othersCount.textContent = t('board.count', {n: others.length});
}

// --- steps 2–5 -------------------------------------------------------------------------

/** The views of the page, one per step of the five-step program (and one for a step of
 * a centre's own program that opens nothing to participants). */
const VIEWS = ['confirm', 'companions', 'activity', 'practice', 'future', 'quiet'];
/** A proposal has at most this many ideas (facilitation/limits.py IDEAS_MAX). */
const IDEAS_MAX = 10;
/** How long "時間になりました" stays after the shared timer runs out, in seconds. */
const TIMER_DONE_SHOWN = 120;
const STATUSES = ['not_started', 'under_way', 'done', 'paused'];
const FORMS = ['citizen_only', 'citizen_led', 'partnership', 'city_led', 'city_only'];

/** Where each command's card stands, by the first part of its ctx ("vote:n4").
 * @type {Object<string, Place>} */
const PLACES = {
  note: {view: 'confirm', tab: ''},
  vote: {view: 'companions', tab: 'votes'},
  proposal: {view: 'activity', tab: 'write'},
  priority: {view: 'activity', tab: 'priority'},
  action: {view: 'practice', tab: ''},
  status: {view: 'future', tab: 'status'},
  review: {view: 'future', tab: 'review'}
};

const reviewForm = /** @type {HTMLFormElement} */ (byId('review-form'));
const reviewText = /** @type {HTMLTextAreaElement} */ (byId('review-text'));
const reviewCount = byId('review-count');
const reviewError = byId('review-error');
const reviewSubmit = /** @type {HTMLButtonElement} */ (byId('review-submit'));

/** Error messages of the step views, by the ctx of the command that had them.
 * @type {Object<string, string>} */
const stepErrors = {};
/** Proposals saved since they were last changed here, by theme id.
 * @type {Object<string, boolean>} */
const saved = {};
/** Proposals being written, by theme id. @type {Object<string, Draft>} */
const drafts = {};
/** The part of each two-part view the reader is looking at ('' until chosen; a new step
 * chooses again). @type {Object<string, string>} */
const tabs = {companions: '', activity: '', future: ''};
/** Commands waiting for their answer, by ctx (filled at each drawing).
 * @type {Object<string, Array<Command>>} */
let pend = {};
/** The review being fixed. @type {({id: string, text: string}|null)} */
let reviewEdit = null;
/** The review asking "delete this?". @type {(string|null)} */
let reviewConfirm = null;
/** A control to focus after the next drawing of its list.
 * @type {({key: string, fk: string}|null)} */
let stepFocus = null;
/** The step the page showed last (to notice the facilitator moving on). @type {(string|null)} */
let shownStep = null;
let flashTimer = 0;

// The connection state and the shared timer stay in sight while the page scrolls: they
// share the top bar's second row, which stays at the top of the screen (app.css).
const statusRow = el('div', {class: 'status-row'});
const connBox = byId('conn-status');
if (connBox && connBox.parentNode) {
  connBox.parentNode.insertBefore(statusRow, connBox);
  statusRow.appendChild(connBox);
}
const timerWords = el('span', {class: 'timer-words'});
const timerBox = el('p', {id: 'timer', class: 'timer', role: 'timer', hidden: true},
  [icon('timer'), timerWords]);
statusRow.appendChild(timerBox);

/** @returns {string} the id of the step the room is in */
function currentStep() {
  return board.workshop.step || body.getAttribute('data-step') || 'confirm';
}

/** @returns {boolean} whether the facilitator has stopped the board */
function isLocked() {
  return !!board.workshop.locked;
}

/** @returns {Object<string, any>} the workshop's vote settings */
function settings() {
  return board.workshop.settings || {};
}

/** @returns {Object<string, any>} this participant as the server sees them ({} before the
 * first snapshot) */
function me() {
  return board.me || {};
}

/**
 * @param {string} field a list in `me`
 * @param {string} id
 * @returns {boolean}
 */
function meHas(field, id) {
  const list = me()[field];
  return Array.isArray(list) && list.indexOf(id) >= 0;
}

/**
 * @param {string} kind
 * @returns {Map<string, Item>}
 */
function items(kind) {
  return board.collections[kind] || new Map();
}

/**
 * @param {string} stepId
 * @returns {Object<string, any>} the program's step, or {}
 */
function programStepOf(stepId) {
  const program = board.workshop.program;
  const steps = program && Array.isArray(program.steps) ? program.steps : [];
  return steps.filter(function (/** @type {Object<string, any>} */ s) {
    return s.id === stepId;
  })[0] || {};
}

/**
 * The view a step shows: the five steps have their own; a step of a centre's own program
 * gets the view of what it opens to participants.
 * @param {string} stepId
 * @returns {string}
 */
function viewFor(stepId) {
  if (VIEWS.indexOf(stepId) >= 0 && stepId !== 'quiet') {
    return stepId;
  }
  const opens = programStepOf(stepId).opens || [];
  /** @param {Array<string>} names @returns {boolean} */
  function opensAny(names) {
    return names.some(function (n) { return opens.indexOf(n) >= 0; });
  }
  if (opensAny(['post_note', 'edit_note', 'delete_note'])) {
    return 'confirm';
  }
  if (opensAny(['write_proposal', 'cast_priority', 'retract_priority'])) {
    return 'activity';
  }
  if (opensAny(['volunteer', 'withdraw'])) {
    return 'practice';
  }
  if (opensAny(['post_review', 'edit_review', 'delete_review', 'set_action_status'])) {
    return 'future';
  }
  if (opensAny(['cast_vote', 'retract_vote', 'join_theme', 'leave_theme'])) {
    return 'companions';
  }
  return 'quiet';
}

/**
 * @param {string} ctx
 * @returns {(Place|null)} where the card of a command with this ctx stands
 */
function placeOf(ctx) {
  const head = String(ctx || '').split(':')[0];
  if (head === 'theme') {
    // Themes are joined in step 2, and in step 3 by whoever has not joined one yet.
    return viewFor(currentStep()) === 'activity' ? {view: 'activity', tab: 'write'}
      : {view: 'companions', tab: 'themes'};
  }
  return Object.prototype.hasOwnProperty.call(PLACES, head) ? PLACES[head] : null;
}

/**
 * @param {Place} place
 * @returns {boolean} whether that part of the page is on the screen now
 */
function onScreen(place) {
  if (viewFor(currentStep()) !== place.view) {
    return false;
  }
  return !place.tab || !Object.prototype.hasOwnProperty.call(tabs, place.view) ||
    tabOf(place.view) === place.tab;
}

/** @returns {Object<string, Array<Command>>} */
function pendingByCtx() {
  /** @type {Object<string, Array<Command>>} */
  const out = {};
  conn.pending().forEach(function (c) {
    (out[c.ctx] = out[c.ctx] || []).push(c);
  });
  return out;
}

/**
 * @param {string} name a command name
 * @returns {number} how many commands of that name wait to be sent or answered
 */
function pendingCount(name) {
  return conn.pending().filter(function (c) { return c.name === name; }).length;
}

/** @returns {number} 共感 votes left, counting those on their way */
function votesLeft() {
  const left = typeof me().votes_left === 'number' ? me().votes_left : 0;
  return left - pendingCount('cast_vote') + pendingCount('retract_vote');
}

/** @returns {number} priority votes left, counting those on their way */
function priorityLeft() {
  const left = typeof me().priority_left === 'number' ? me().priority_left : 0;
  return left - pendingCount('cast_priority') + pendingCount('retract_priority');
}

/**
 * @param {string} kind note | theme
 * @param {string} id
 * @returns {boolean} whether the projector shows this large now
 */
function isFocus(kind, id) {
  const focus = board.workshop.focus;
  return !!focus && focus.kind === kind && focus.id === id;
}

/**
 * The part of a two-part view on the screen; the first time, the one that fits.
 * @param {string} view
 * @returns {string}
 */
function tabOf(view) {
  if (tabs[view]) {
    return tabs[view];
  }
  let tab = '';
  if (view === 'companions') {
    tab = items('themes').size > 0 && votesLeft() <= 0 ? 'themes' : 'votes';
  } else if (view === 'activity') {
    const mine = (me().themes || []).filter(function (/** @type {string} */ id) {
      return items('themes').has(id);
    });
    const unwritten = mine.some(function (/** @type {string} */ id) {
      const p = items('proposals').get(id);
      return !p || !p.aim;
    });
    tab = !unwritten && writtenProposals().length > 0 ? 'priority' : 'write';
  } else {
    tab = 'review';
  }
  if (board.ready) {
    tabs[view] = tab; // chosen once the board is known; then only the reader changes it
  }
  return tab;
}

/**
 * Show one part of a two-part view and mark its switch.
 * @param {string} view
 * @param {string} tab
 */
function showTab(view, tab) {
  const box = byId('view-' + view);
  Array.prototype.forEach.call(box.querySelectorAll('[data-tab]'),
    function (/** @type {HTMLElement} */ b) {
      const name = b.getAttribute('data-tab') || '';
      b.setAttribute('aria-pressed', name === tab ? 'true' : 'false');
      byId('part-' + name).hidden = name !== tab;
    });
}

Array.prototype.forEach.call(document.querySelectorAll('.step-view .tabs'),
  function (/** @type {HTMLElement} */ bar) {
    bar.addEventListener('click', function (ev) {
      const target = /** @type {HTMLElement} */ (ev.target);
      const b = target.closest ? target.closest('[data-tab]') : null;
      const box = bar.closest('.step-view');
      if (!b || !box) {
        return;
      }
      tabs[box.id.slice(5)] = b.getAttribute('data-tab') || '';
      render();
    });
  });

/**
 * Send a command from a card of a step view.
 * @param {string} name
 * @param {Object<string, any>} args
 * @param {string} ctx
 */
function send(name, args, ctx) {
  delete stepErrors[ctx];
  setAlert(stepError, '');
  conn.command(name, args, ctx);
  render();
}

/**
 * A button that sends something: off while the board is stopped or its command is on
 * its way.
 * @param {string} label
 * @param {string} kind button classes
 * @param {string} fk its name within its card (focus comes back to it after a redraw)
 * @param {boolean} busy
 * @param {function(): void} onClick
 * @returns {HTMLElement}
 */
function sendButton(label, kind, fk, busy, onClick) {
  const b = button(label, kind, onClick);
  b.setAttribute('data-fk', fk);
  /** @type {HTMLButtonElement} */ (b).disabled = busy || isLocked();
  return b;
}

/**
 * @template {HTMLElement} T
 * @param {T} b a button that sends something
 * @returns {T} the same, off while the board is stopped
 */
function lockable(b) {
  /** @type {any} */ (b).disabled = isLocked();
  return b;
}

/**
 * The line under a card that says what went wrong with it (empty when nothing did).
 * @param {string} ctx
 * @returns {HTMLElement}
 */
function errorLine(ctx) {
  return el('p', {class: 'form-error', role: 'alert', text: stepErrors[ctx] || ''});
}

/** @returns {HTMLElement} "送っています…" */
function sendingLine() {
  return el('p', {class: 'sending', text: t('phone.sending')});
}

/**
 * A mark with an icon and words (never colour alone).
 * @param {string} iconName
 * @param {string} text
 * @param {string} className
 * @returns {HTMLElement}
 */
function mark(iconName, text, className) {
  return el('p', {class: className}, [icon(iconName), el('span', {text: text})]);
}

/**
 * Highlight a card the projector shows large now.
 * @param {HTMLElement} card
 */
function markFocus(card) {
  card.classList.add('is-focus');
  card.insertBefore(mark('screen', t('phone.focus'), 'focus-mark'), card.firstChild);
}

/**
 * The theme a card belongs to: "輪" and its title.
 * @param {string} title
 * @param {string} tag h3 for a card's heading, p for a line
 * @returns {HTMLElement}
 */
function themeHead(title, tag) {
  return el('div', {class: tag === 'h3' ? 'theme-head' : 'theme-head inline'}, [
    el('span', {class: 'theme-word'}, [icon('theme'), el('span', {text: t('theme.label')})]),
    userText(tag, title, tag === 'h3' ? 'card-title' : 'theme-title')
  ]);
}

/**
 * Put items into a list, keeping the reader's place: a control rebuilt under their
 * finger (or keyboard) gets the focus back, with the caret where it was.
 * @template T
 * @param {HTMLElement} container
 * @param {Array<T>} list
 * @param {function(T): string} keyOf
 * @param {function(T, (HTMLElement|undefined)): HTMLElement} nodeFor
 */
function drawList(container, list, keyOf, nodeFor) {
  const active = /** @type {(HTMLElement|null)} */ (document.activeElement);
  /** @type {({key: string, fk: string}|null)} */
  let was = null;
  /** @type {(Array<number>|null)} */
  let caret = null;
  if (active && container.contains(active) && active.getAttribute('data-fk')) {
    const card = active.closest('[data-key]');
    if (card) {
      was = {key: card.getAttribute('data-key') || '', fk: active.getAttribute('data-fk') || ''};
      const box = /** @type {HTMLInputElement} */ (active);
      if (typeof box.selectionStart === 'number' && box.selectionStart !== null) {
        caret = [box.selectionStart, box.selectionEnd || box.selectionStart];
      }
    }
  }
  reconcile(container, list, keyOf, nodeFor);
  let want = null;
  if (stepFocus && container.querySelector('[data-key="' + stepFocus.key + '"]')) {
    want = stepFocus;
    stepFocus = null;
    caret = null;
  } else if (was && active && !container.contains(active)) {
    want = was;
  }
  if (!want) {
    return;
  }
  const card = container.querySelector('[data-key="' + want.key + '"]');
  const target = /** @type {(HTMLInputElement|null)} */ (card ?
    card.querySelector('[data-fk="' + want.fk + '"]') : null);
  if (target && !target.disabled) {
    target.focus();
    if (caret && typeof target.setSelectionRange === 'function') {
      try {
        target.setSelectionRange(caret[0], caret[1]);
      } catch (e) {
        // Not a text control.
      }
    }
  }
}

// --- the step's heading, the lock and the timer ------------------------------------------

/** @param {string} step */
function drawStepHead(step) {
  const text = stepWords(step, board.programStep(lang));
  stepTitle.textContent = text.title;
  stepPrompt.textContent = text.prompt;
  const program = board.workshop.program;
  const steps = program && Array.isArray(program.steps) ? program.steps : [];
  const index = steps.indexOf(programStepOf(step));
  stepCount.textContent = index >= 0 ? t('step.of', {n: index + 1, total: steps.length}) : '';
  const subtitle = programStepOf(step).subtitle;
  const sub = subtitle ? String(subtitle[lang] || subtitle.ja || '') : '';
  stepSubtitle.textContent = sub;
  stepSubtitle.hidden = !sub;
  if (shownStep !== null && shownStep !== step) {
    // The facilitator moved the room on: start the new step at its prompt, and say so.
    tabs.companions = tabs.activity = tabs.future = '';
    Object.keys(stepErrors).forEach(function (key) { delete stepErrors[key]; });
    setAlert(stepError, '');
    reviewEdit = null;
    reviewConfirm = null;
    stepAnnounce.textContent = t('step.changed', {step: text.title});
    window.scrollTo(0, 0);
    promptBox.classList.add('is-new');
    window.clearTimeout(flashTimer);
    flashTimer = window.setTimeout(function () { promptBox.classList.remove('is-new'); }, 3000);
  }
  shownStep = step;
}

/** The shared timer, in words, redrawn every second. */
function drawTimer() {
  const timer = board.workshop.timer;
  const left = board.timerLeft();
  let text = '';
  if (timer && left !== null) {
    const running = typeof timer.ends_at === 'number';
    const whole = Math.ceil(left);
    const parts = {m: Math.floor(whole / 60), s: whole % 60};
    if (running && whole <= 0) {
      text = board.serverNow() - timer.ends_at < TIMER_DONE_SHOWN ? t('timer.done') : '';
    } else if (!running) {
      text = t('timer.paused', parts);
    } else {
      text = parts.m > 0 ? t('timer.left', parts) : t('timer.left_seconds', parts);
    }
  }
  if (timerWords.textContent !== text) {
    timerWords.textContent = text;
  }
  timerBox.hidden = !text;
  timerBox.classList.toggle('is-done', text === t('timer.done'));
}

window.setInterval(drawTimer, 1000);

// --- 仲間を増やそう: 共感 and themes --------------------------------------------------------

/** @returns {Array<Note>} the notes one may give 共感 to, oldest first (cards stay put) */
function voteNotes() {
  return Array.from(board.notes.values()).filter(function (n) {
    return !n.hidden;
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
}

/**
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function voteCard(note, before) {
  const ctx = 'vote:' + note.id;
  const votes = me().votes || {};
  const given = votes[note.id] || 0;
  const multi = !!settings().multi_vote;
  const visible = !!settings().votes_visible;
  const tally = board.tallies[note.id] || 0;
  const busy = !!pend[ctx];
  const focused = isFocus('note', note.id);
  const sig = JSON.stringify([note, given, multi, visible ? tally : null, board.isMine(note),
    focused, isLocked(), busy, stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = noteCard(note, board.isMine(note) ? [t('note.mine')] : []);
  card.setAttribute('data-sig', sig);
  card.classList.add('vote-card');
  card.classList.toggle('is-chosen', given > 0);
  if (focused) {
    markFocus(card);
  }
  if (visible) {
    card.appendChild(mark('vote', t('vote.tally', {n: tally}), 'tally'));
  }
  if (given > 0) {
    card.appendChild(mark('check', multi ? t('vote.given_n', {n: given}) : t('vote.given'),
      'chosen-mark'));
  }
  /** Give one more 共感, unless none are left (said here, at once, without asking). */
  function cast() {
    if (votesLeft() <= 0) {
      stepErrors[ctx] = t('error.no_votes_left', {budget: settings().vote_budget || 0});
      render();
      return;
    }
    send('cast_vote', {note_id: note.id}, ctx);
  }
  const buttons = [];
  if (given === 0) {
    buttons.push(sendButton(t('vote.cast'), 'primary wide-button', 'cast', busy, cast));
  } else {
    if (multi) {
      buttons.push(sendButton(t('vote.more'), 'primary', 'cast', busy, cast));
    }
    buttons.push(sendButton(t('vote.retract'), 'secondary', 'retract', busy, function () {
      send('retract_vote', {note_id: note.id}, ctx);
    }));
  }
  card.appendChild(el('div', {class: 'actions'}, buttons));
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

/** How many of a theme's notes its card lists before "ほか N枚". */
const THEME_NOTES_SHOWN = 5;

/**
 * @param {Item} theme
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function themeCard(theme, before) {
  const ctx = 'theme:' + theme.id;
  const joined = meHas('themes', theme.id);
  const busy = !!pend[ctx];
  const focused = isFocus('theme', theme.id);
  const notes = voteNotes().filter(function (n) { return n.theme === theme.id; });
  const sig = JSON.stringify([theme, notes, joined, focused, isLocked(), busy,
    stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = el('li', {class: 'card theme-card', 'data-sig': sig});
  card.classList.toggle('is-chosen', joined);
  card.appendChild(themeHead(theme.title, 'h3'));
  card.appendChild(el('p', {class: 'members',
    text: t('theme.members', {n: theme.member_count || 0})}));
  if (notes.length) {
    const list = el('ul', {class: 'theme-notes'});
    notes.slice(0, THEME_NOTES_SHOWN).forEach(function (n) {
      list.appendChild(el('li', {class: 'theme-note kind-' + n.kind}, [
        kindBadge(n.kind), userText('span', n.text, 'theme-note-text')]));
    });
    if (notes.length > THEME_NOTES_SHOWN) {
      list.appendChild(el('li', {class: 'theme-more',
        text: t('theme.more', {n: notes.length - THEME_NOTES_SHOWN})}));
    }
    card.appendChild(list);
  } else {
    card.appendChild(el('p', {class: 'empty', text: t('theme.notes_none')}));
  }
  if (focused) {
    markFocus(card);
  }
  if (joined) {
    card.appendChild(mark('check', t('theme.joined'), 'chosen-mark'));
    card.appendChild(el('div', {class: 'actions'}, [
      sendButton(t('theme.leave'), 'secondary', 'leave', busy, function () {
        send('leave_theme', {theme_id: theme.id}, ctx);
      })]));
  } else {
    card.appendChild(el('div', {class: 'actions'}, [
      sendButton(t('theme.join'), 'primary wide-button', 'join', busy, function () {
        send('join_theme', {theme_id: theme.id}, ctx);
      })]));
  }
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

/** @returns {Array<Item>} the themes, in the order they were made */
function themeList() {
  return Array.from(items('themes').values());
}

function drawCompanions() {
  const tab = tabOf('companions');
  showTab('companions', tab);
  const themes = themeList();
  byId('themes-count').textContent = themes.length ? '(' + themes.length + ')' : '';
  if (tab === 'votes') {
    const budget = settings().vote_budget || 0;
    byId('votes-left').textContent = t('vote.left', {n: Math.max(0, votesLeft())});
    byId('votes-hint').textContent = t(settings().multi_vote ? 'vote.hint_multi' : 'vote.hint',
      {budget: budget});
    const notes = voteNotes();
    drawList(byId('vote-list'), notes, function (n) { return n.id; }, voteCard);
    byId('votes-empty').hidden = notes.length > 0;
  } else {
    drawList(byId('theme-list'), themes, function (th) { return th.id; }, themeCard);
    byId('themes-empty').hidden = themes.length > 0;
  }
}

// --- 地域の活動にしよう: proposals and priority -----------------------------------------------

/** @returns {Array<Item>} the proposals that have been written, in the themes' order */
function writtenProposals() {
  const proposals = items('proposals');
  const out = [];
  themeList().forEach(function (theme) {
    const p = proposals.get(theme.id);
    if (p && p.aim) {
      out.push(p);
    }
  });
  return out;
}

/**
 * The draft of a theme's proposal: the server's version, unless this phone has changes
 * not yet saved (or on their way).
 * @param {string} themeId
 * @returns {Draft}
 */
function draftFor(themeId) {
  const p = items('proposals').get(themeId);
  const base = JSON.stringify(p ? [p.aim, p.ideas] : ['', []]);
  let d = drafts[themeId];
  if (!d || (!d.dirty && !pend['proposal:' + themeId] && d.base !== base)) {
    const ideas = p && Array.isArray(p.ideas) ? p.ideas.slice() : [];
    if (!ideas.length) {
      ideas.push('');
    }
    d = {aim: p ? String(p.aim || '') : '', ideas: ideas, dirty: false, base: base};
    drafts[themeId] = d;
  }
  return d;
}

/**
 * The form in which a theme's members write its proposal.
 * @param {Item} theme
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function proposalForm(theme, before) {
  const id = theme.id;
  const ctx = 'proposal:' + id;
  const d = draftFor(id);
  const p = items('proposals').get(id);
  const base = JSON.stringify(p ? [p.aim, p.ideas] : ['', []]);
  const conflict = d.dirty && d.base !== base;
  const busy = !!pend[ctx];
  const sig = JSON.stringify([theme.title, base, d.ideas.length, conflict, isLocked(), busy,
    stepErrors[ctx] || '', !!saved[id], isFocus('theme', id)]);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = el('li', {class: 'card proposal-form', 'data-sig': sig});
  if (isFocus('theme', id)) {
    markFocus(card);
  }
  const form = el('form', {class: 'form', novalidate: true});
  form.appendChild(themeHead(theme.title, 'h3'));
  if (conflict) {
    form.appendChild(el('p', {class: 'notice-changed', role: 'status',
      text: t('proposal.changed')}));
  }
  const state = el('p', {class: 'save-state', 'aria-live': 'polite',
    text: d.dirty ? t('proposal.unsaved') : (saved[id] && !busy ? t('phone.saved') : '')});
  /** Something was typed: it is not saved any more. */
  function changed() {
    d.dirty = true;
    delete saved[id];
    state.textContent = t('proposal.unsaved');
    if (stepErrors[ctx]) {
      delete stepErrors[ctx]; // being fixed; the card is redrawn, the caret kept
      render();
    }
  }
  const aimId = 'aim-' + id;
  form.appendChild(el('label', {for: aimId, class: 'field-label', text: t('proposal.aim')}));
  const aim = /** @type {HTMLTextAreaElement} */ (el('textarea', {id: aimId, rows: '3',
    dir: 'auto', class: 'user-text', 'data-fk': 'aim'}));
  aim.value = d.aim;
  aim.addEventListener('input', function () {
    d.aim = aim.value;
    changed();
  });
  form.appendChild(aim);
  const ideas = el('fieldset', {class: 'ideas'}, [
    el('legend', {class: 'field-label', text: t('proposal.ideas')})]);
  d.ideas.forEach(function (text, i) {
    const boxId = 'idea-' + id + '-' + i;
    ideas.appendChild(el('label', {for: boxId, class: 'idea-label',
      text: t('proposal.idea_n', {n: i + 1})}));
    const box = /** @type {HTMLInputElement} */ (el('input', {type: 'text', id: boxId,
      dir: 'auto', class: 'user-text', 'data-fk': 'idea-' + i}));
    box.value = text;
    box.addEventListener('input', function () {
      d.ideas[i] = box.value;
      changed();
    });
    ideas.appendChild(box);
  });
  const add = button(t('proposal.add_idea'), 'secondary add-idea', function () {
    d.ideas.push('');
    stepFocus = {key: id, fk: 'idea-' + (d.ideas.length - 1)};
    render();
  });
  add.setAttribute('data-fk', 'add');
  add.insertBefore(icon('plus'), add.firstChild);
  /** @type {HTMLButtonElement} */ (add).disabled = d.ideas.length >= IDEAS_MAX;
  ideas.appendChild(add);
  ideas.appendChild(el('p', {class: 'hint', text: t('proposal.ideas_hint')}));
  form.appendChild(ideas);
  form.appendChild(state);
  form.appendChild(errorLine(ctx));
  const submit = el('button', {type: 'submit', class: 'button primary wide', 'data-fk': 'save',
    text: busy ? t('phone.sending') : t('proposal.save')});
  /** @type {HTMLButtonElement} */ (submit).disabled = busy || isLocked();
  form.appendChild(submit);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!d.aim.trim()) {
      stepErrors[ctx] = t('error.empty_aim');
      stepFocus = {key: id, fk: 'aim'};
      render();
      return;
    }
    const lines = d.ideas.map(function (s) { return s.trim(); }).filter(function (s) {
      return s.length > 0;
    });
    d.dirty = false;
    d.base = base;
    send('write_proposal', {theme_id: id, aim: d.aim, ideas: lines}, ctx);
  });
  card.appendChild(form);
  return card;
}

/**
 * A proposal as everyone sees it, with 「優先したい」.
 * @param {Item} p
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function proposalCard(p, before) {
  const ctx = 'priority:' + p.theme;
  const theme = items('themes').get(p.theme);
  const title = theme ? String(theme.title) : '';
  const given = meHas('priority', p.theme);
  const busy = !!pend[ctx];
  const focused = isFocus('theme', p.theme);
  const sig = JSON.stringify([p, title, given, meHas('themes', p.theme), focused, isLocked(),
    busy, stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = el('li', {class: 'card proposal-card', 'data-sig': sig});
  card.classList.toggle('is-chosen', given);
  card.appendChild(themeHead(title, 'h3'));
  if (focused) {
    markFocus(card);
  }
  const tags = el('p', {class: 'tags'});
  if (p.chosen) {
    tags.appendChild(el('span', {class: 'tag tag-chosen'}, [icon('check'),
      el('span', {text: t('proposal.chosen')})]));
  }
  if (meHas('themes', p.theme)) {
    tags.appendChild(el('span', {class: 'tag', text: t('theme.joined')}));
  }
  if (tags.firstChild) {
    card.appendChild(tags);
  }
  card.appendChild(el('p', {class: 'field-name', text: t('proposal.aim')}));
  card.appendChild(userText('p', String(p.aim), 'aim-text'));
  if (Array.isArray(p.ideas) && p.ideas.length) {
    card.appendChild(el('p', {class: 'field-name', text: t('proposal.ideas')}));
    const list = el('ul', {class: 'ideas-list'});
    p.ideas.forEach(function (/** @type {string} */ idea) {
      list.appendChild(userText('li', idea));
    });
    card.appendChild(list);
  }
  if (typeof p.priority_count === 'number') {
    card.appendChild(mark('vote', t('priority.count', {n: p.priority_count}), 'tally'));
  }
  if (given) {
    card.appendChild(mark('check', t('priority.given'), 'chosen-mark'));
    card.appendChild(el('div', {class: 'actions'}, [
      sendButton(t('priority.retract'), 'secondary', 'retract', busy, function () {
        send('retract_priority', {theme_id: p.theme}, ctx);
      })]));
  } else {
    card.appendChild(el('div', {class: 'actions'}, [
      sendButton(t('priority.cast'), 'primary wide-button', 'cast', busy, function () {
        if (priorityLeft() <= 0) {
          stepErrors[ctx] = t('priority.none_left', {budget: settings().vote_budget || 0});
          render();
          return;
        }
        send('cast_priority', {theme_id: p.theme}, ctx);
      })]));
  }
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

function drawActivity() {
  const tab = tabOf('activity');
  showTab('activity', tab);
  if (tab === 'write') {
    const mine = themeList().filter(function (th) { return meHas('themes', th.id); });
    const joinList = byId('join-list');
    byId('write-join').hidden = mine.length > 0;
    byId('join-empty').hidden = mine.length > 0 || themeList().length > 0;
    drawList(joinList, mine.length ? [] : themeList(), function (th) { return th.id; },
      themeCard);
    drawList(byId('proposal-forms'), mine, function (th) { return th.id; }, proposalForm);
  } else {
    byId('priority-left').textContent = t('priority.left', {n: Math.max(0, priorityLeft())});
    byId('priority-hint').textContent = t('priority.hint',
      {budget: settings().vote_budget || 0});
    const written = writtenProposals();
    drawList(byId('proposal-list'), written, function (p) { return String(p.theme); },
      proposalCard);
    byId('proposals-empty').hidden = written.length > 0;
  }
}

// --- 実践しよう: the role board ---------------------------------------------------------------

/**
 * A date as people write it ("2026-12-20" → "2026年12月20日").
 * @param {string} iso
 * @returns {string}
 */
function dateText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) {
    return String(iso || '');
  }
  return t('date.format', {y: m[1], m: parseInt(m[2], 10), d: parseInt(m[3], 10)});
}

/**
 * One fact of an action: its name and its value.
 * @param {string} name
 * @param {Node} value
 * @returns {HTMLElement}
 */
function fact(name, value) {
  return el('div', {class: 'fact'}, [el('dt', {text: name}), el('dd', null, [value])]);
}

/**
 * @param {Item} a
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function actionCard(a, before) {
  const ctx = 'action:' + a.id;
  const mine = meHas('actions', a.id);
  const busy = !!pend[ctx];
  const theme = a.theme ? items('themes').get(a.theme) : null;
  const sig = JSON.stringify([a, mine, theme ? theme.title : '', me().id || '', isLocked(),
    busy, stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = el('li', {class: 'card action-card', 'data-sig': sig});
  card.classList.toggle('is-chosen', mine);
  if (theme) {
    card.appendChild(themeHead(String(theme.title), 'p'));
  }
  card.appendChild(userText('h3', String(a.title), 'card-title'));
  const facts = el('dl', {class: 'facts'});
  facts.appendChild(fact(t('action.form'), el('span', {class: 'form-word',
    text: FORMS.indexOf(a.form) >= 0 ? t('form.' + a.form) : String(a.form || '')})));
  if (Array.isArray(a.partners) && a.partners.length) {
    const names = el('span', {class: 'partners'});
    a.partners.forEach(function (/** @type {string} */ name, /** @type {number} */ i) {
      if (i > 0) {
        names.appendChild(document.createTextNode(t('list.sep')));
      }
      names.appendChild(userText('span', name));
    });
    facts.appendChild(fact(t('action.partners'), names));
  }
  if (a.first_step) {
    facts.appendChild(fact(t('action.first_step'), userText('span', String(a.first_step))));
  }
  if (a.due) {
    facts.appendChild(fact(t('action.due'), document.createTextNode(dateText(a.due))));
  }
  facts.appendChild(fact(t('action.status'),
    document.createTextNode(t('status.' + (a.status || 'not_started')))));
  card.appendChild(facts);
  const volunteers = Array.isArray(a.volunteers) ? a.volunteers : [];
  card.appendChild(el('p', {class: 'field-name', text: volunteers.length ?
    t('action.volunteers_n', {n: volunteers.length}) : t('action.volunteers')}));
  if (volunteers.length) {
    const list = el('ul', {class: 'volunteers'});
    volunteers.forEach(function (/** @type {{id: string, name: string}} */ v) {
      const row = el('li', {class: 'volunteer'}, [userText('span', v.name, 'volunteer-name')]);
      if (v.id === me().id) {
        row.appendChild(el('span', {class: 'you', text: t('phone.you')}));
      }
      if (a.lead === v.id) {
        row.appendChild(el('span', {class: 'tag', text: t('action.lead')}));
      }
      list.appendChild(row);
    });
    card.appendChild(list);
  } else {
    card.appendChild(el('p', {class: 'empty', text: t('action.volunteers_none')}));
  }
  if (mine) {
    card.appendChild(mark('check', t('action.in'), 'chosen-mark'));
    card.appendChild(el('div', {class: 'actions'}, [
      sendButton(t('action.withdraw'), 'secondary', 'withdraw', busy, function () {
        send('withdraw', {action_id: a.id}, ctx);
      })]));
  } else {
    const b = sendButton(t('action.volunteer'), 'primary wide-button big', 'volunteer', busy,
      function () { send('volunteer', {action_id: a.id}, ctx); });
    b.insertBefore(icon('hand'), b.firstChild);
    card.appendChild(el('div', {class: 'actions'}, [b]));
  }
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

function drawPractice() {
  const actions = Array.from(items('actions').values());
  drawList(byId('action-list'), actions, function (a) { return String(a.id); }, actionCard);
  byId('actions-empty').hidden = actions.length > 0;
}

// --- 将来につなげよう: the review and progress ---------------------------------------------

/** @typedef {{key: string, review: Item, mine: boolean, unsent: boolean}} ReviewItem */

function updateReviewCount() {
  const left = NOTE_MAX - charCount(reviewText.value.trim());
  reviewCount.textContent = left >= 0 ? t('note.chars_left', {n: left})
    : t('note.chars_over', {n: -left});
  reviewCount.classList.toggle('over', left < 0);
}

reviewText.addEventListener('input', updateReviewCount);

reviewForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  const column = checkedValue(reviewForm, 'column');
  const text = reviewText.value;
  if (!column) {
    setAlert(reviewError, t('error.bad_column'));
    return;
  }
  if (!text.trim()) {
    setAlert(reviewError, t('review.empty_text'));
    reviewText.focus();
    return;
  }
  setAlert(reviewError, '');
  setAlert(stepError, '');
  conn.command('post_review', {column: column, text: text}, 'review');
  reviewText.value = '';
  updateReviewCount();
  render();
});

/** @returns {Array<ReviewItem>} everyone's reviews, newest first, and mine on their way */
function reviewItems() {
  /** @type {Array<ReviewItem>} */
  const out = [];
  conn.pending().slice().reverse().forEach(function (c) {
    if (c.name === 'post_review') {
      out.push({key: c.id, mine: true, unsent: true,
        review: {id: c.id, column: String(c.args.column), text: String(c.args.text)}});
    }
  });
  Array.from(items('reviews').values()).reverse().forEach(function (r) {
    out.push({key: String(r.id), review: r, mine: meHas('reviews', r.id), unsent: false});
  });
  return out;
}

/**
 * @param {ReviewItem} item
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function reviewCard(item, before) {
  const r = item.review;
  const ctx = 'review:' + r.id;
  const busy = !!pend[ctx];
  const editingThis = !!reviewEdit && reviewEdit.id === r.id;
  const sig = JSON.stringify([r, item.mine, item.unsent, editingThis,
    reviewConfirm === r.id, isLocked(), busy, stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const column = r.column === 'change' ? 'change' : 'keep';
  const card = el('li', {class: 'note review-card column-' + column, 'data-sig': sig});
  card.classList.toggle('mine', item.mine);
  card.classList.toggle('is-unsent', item.unsent);
  const head = el('div', {class: 'note-head'}, [
    el('span', {class: 'kind-badge'}, [icon(column), el('span', {text: t('review.' + column)})])
  ]);
  if (item.mine) {
    head.appendChild(el('span', {class: 'note-tag', text: t('review.mine')}));
  }
  if (item.unsent) {
    head.appendChild(el('span', {class: 'note-tag', text: t('note.unsent')}));
  }
  card.appendChild(head);
  if (editingThis && reviewEdit) {
    const edit = reviewEdit;
    const form = el('form', {class: 'edit-form', novalidate: true});
    const areaId = 'review-edit-' + r.id;
    form.appendChild(el('label', {for: areaId, class: 'field-label', text: t('review.text')}));
    const area = /** @type {HTMLTextAreaElement} */ (el('textarea', {id: areaId, rows: '3',
      dir: 'auto', class: 'user-text', 'data-fk': 'text'}));
    area.value = edit.text;
    area.addEventListener('input', function () { edit.text = area.value; });
    form.appendChild(area);
    form.appendChild(el('div', {class: 'actions'}, [
      lockable(el('button', {type: 'submit', class: 'button primary', 'data-fk': 'save',
        text: t('note.save')})),
      button(t('note.cancel'), 'secondary', function () {
        reviewEdit = null;
        delete stepErrors[ctx];
        stepFocus = {key: item.key, fk: 'edit'};
        render();
      })
    ]));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!area.value.trim()) {
        stepErrors[ctx] = t('review.empty_text');
        render();
        return;
      }
      reviewEdit = null;
      stepFocus = {key: item.key, fk: 'edit'};
      send('edit_review', {review_id: r.id, text: area.value}, ctx);
    });
    card.appendChild(form);
  } else {
    card.appendChild(userText('p', String(r.text), 'note-text'));
  }
  if (item.mine && !item.unsent && !editingThis) {
    if (reviewConfirm === r.id) {
      card.appendChild(el('div', {class: 'confirm'}, [
        el('p', {class: 'confirm-question', text: t('review.delete_confirm')}),
        el('div', {class: 'actions'}, [
          sendButton(t('review.delete'), 'danger', 'delete', busy, function () {
            reviewConfirm = null;
            send('delete_review', {review_id: r.id}, ctx);
          }),
          button(t('note.cancel'), 'secondary', function () {
            reviewConfirm = null;
            stepFocus = {key: item.key, fk: 'edit'};
            render();
          })
        ])
      ]));
    } else {
      card.appendChild(el('div', {class: 'actions'}, [
        sendButton(t('note.edit'), 'secondary', 'edit', busy, function () {
          reviewEdit = {id: r.id, text: String(r.text)};
          reviewConfirm = null;
          delete stepErrors[ctx];
          stepFocus = {key: item.key, fk: 'text'};
          render();
        }),
        sendButton(t('review.delete'), 'secondary', 'ask-delete', busy, function () {
          reviewConfirm = r.id;
          reviewEdit = null;
          render();
        })
      ]));
    }
  }
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

/**
 * The progress of one action this participant took on: four big choices.
 * @param {Item} a
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function statusCard(a, before) {
  const ctx = 'status:' + a.id;
  const waiting = pend[ctx] || [];
  const busy = waiting.length > 0;
  const shown = busy ? String(waiting[waiting.length - 1].args.status) : String(a.status);
  const sig = JSON.stringify([a.title, a.status, shown, isLocked(), busy, stepErrors[ctx] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const card = el('li', {class: 'card status-card', 'data-sig': sig});
  card.appendChild(userText('h3', String(a.title), 'card-title'));
  const group = el('div', {class: 'status-choices', role: 'group',
    'aria-label': t('action.status')});
  STATUSES.forEach(function (status) {
    const on = status === shown;
    const b = el('button', {type: 'button', class: 'status-choice' + (on ? ' is-on' : ''),
      'aria-pressed': on ? 'true' : 'false', 'data-fk': status});
    if (on) {
      b.appendChild(icon('check'));
    }
    b.appendChild(el('span', {text: t('status.' + status)}));
    /** @type {HTMLButtonElement} */ (b).disabled = isLocked();
    b.addEventListener('click', function () {
      if (status !== shown) {
        send('set_action_status', {action_id: a.id, status: status}, ctx);
      }
    });
    group.appendChild(b);
  });
  card.appendChild(group);
  if (busy) {
    card.appendChild(sendingLine());
  }
  card.appendChild(errorLine(ctx));
  return card;
}

function drawFuture() {
  const mine = Array.from(items('actions').values()).filter(function (a) {
    return meHas('actions', a.id);
  });
  if (!mine.length) {
    tabs.future = 'review';
  }
  byId('future-tabs').hidden = !mine.length;
  const tab = tabOf('future');
  showTab('future', tab);
  if (tab === 'review') {
    reviewSubmit.disabled = isLocked();
    if (reviewEdit && !items('reviews').has(reviewEdit.id)) {
      reviewEdit = null;
    }
    const all = reviewItems();
    ['keep', 'change'].forEach(function (column) {
      const list = all.filter(function (item) {
        return (item.review.column === 'change' ? 'change' : 'keep') === column;
      });
      drawList(byId('reviews-' + column), list, function (item) { return item.key; },
        reviewCard);
      byId('reviews-empty-' + column).hidden = list.length > 0;
      byId('reviews-count-' + column).textContent = list.length ? '(' + list.length + ')' : '';
    });
  } else {
    drawList(byId('status-list'), mine, function (a) { return String(a.id); }, statusCard);
  }
}

updateReviewCount();

updateCount();
showStatus(conn.state, conn.pending().length);
draw();
conn.start(board.dispatch, board.resumeInfo);
