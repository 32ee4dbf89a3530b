// The participant's phone: join, then write notes, fix or remove your own, read everyone's.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, errorText, el, icon, noteCard, reconcile, setupTextSize, showStatus, setAlert,
  renderer, charCount, stepWords
} from './ui.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{key: string, note: Note, unsent: boolean, deleting: boolean,
 *   cmdId: (string|null)}} MineItem
 *   key: the note id, or the command id of a note not yet sent
 */

const NOTE_MAX = 140;

loadWords();
setupTextSize();

const body = document.body;
const code = body.getAttribute('data-code') || '';
const lang = document.documentElement.getAttribute('lang') || 'ja';

const conn = new Connection({code: code, lang: lang, persist: true});
const board = new Board(conn);

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

const joinSection = byId('join');
const boardSection = byId('board');
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
  if (cmd.ctx === 'join') {
    setAlert(joinError, '');
  } else if (cmd.ctx === 'note') {
    setAlert(noteError, '');
  } else if (cmd.ctx.indexOf('note:') === 0) {
    delete cardErrors[cmd.ctx.slice(5)];
  }
  render();
};

board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  const message = errorText(err);
  if (err.code === 'bad_token') {
    // The server does not know this phone any more: join again.
    setAlert(joinError, message);
  } else if (err.code === 'unknown_workshop') {
    setAlert(globalError, message);
  } else if (cmd && cmd.ctx === 'join') {
    setAlert(joinError, message);
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
  Array.prototype.forEach.call(form.querySelectorAll('input[name="kind"]'),
    function (/** @type {HTMLInputElement} */ box) { box.checked = box.value === kind; });
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
    cardErrors[item.key] || '']);
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
        button(t('note.delete'), 'danger', function () { remove(item); }),
        button(t('note.cancel'), 'secondary', function () {
          confirming = null;
          focusNext = {key: item.key, sel: '.edit'};
          render();
        })
      ])
    ]));
  } else if (changeable) {
    card.appendChild(el('div', {class: 'actions'}, [
      button(t('note.edit'), 'secondary edit', function () {
        editing = {key: item.key, text: note.text, kind: note.kind};
        confirming = null;
        delete cardErrors[item.key];
        focusNext = {key: item.key, sel: 'textarea'};
        render();
      }),
      button(t('note.delete'), 'secondary', function () {
        confirming = item.key;
        editing = null;
        focusNext = {key: item.key, sel: '.confirm .secondary'};
        render();
      })
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
  const save = el('button', {type: 'submit', class: 'button primary', text: t('note.save')});
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
  if (board.role === 'participant' || board.role === 'cofacilitator') {
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
  if (now !== 'board') {
    return;
  }
  if (editing && !board.notes.has(editing.key) && !conn.isHeld(editing.key)) {
    editing = null; // the note went away under the edit
  }
  welcome.textContent = board.me ? t('join.welcome', {name: board.me.name}) : '';
  const step = board.workshop.step || body.getAttribute('data-step') || 'confirm';
  const stepText = stepWords(step, board.programStep(lang));
  stepTitle.textContent = stepText.title;
  stepPrompt.textContent = stepText.prompt;

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

updateCount();
showStatus(conn.state, conn.pending().length);
draw();
conn.start(board.dispatch, board.resumeInfo);
