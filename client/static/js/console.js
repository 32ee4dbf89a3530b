// The facilitator's console: the live board with hide / show again on every note, and
// who has joined.

import {Connection} from './conn.js';
import {Board} from './board.js';
import {
  loadWords, t, errorText, el, userText, noteCard, reconcile, setupTextSize, showStatus,
  setAlert, renderer
} from './ui.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./board.js').Person} Person
 * @typedef {import('./conn.js').Command} Command
 */

loadWords();
setupTextSize();

const body = document.body;
const conn = new Connection({code: body.getAttribute('data-code') || '',
  key: body.getAttribute('data-key') || '',
  lang: document.documentElement.getAttribute('lang') || 'ja'});
const board = new Board(conn);

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/** Error messages shown on a note, by note id. @type {Object<string, string>} */
const noteErrors = {};

const render = renderer(draw);
board.listen(render);
conn.onStatus = function (/** @type {string} */ state, /** @type {number} */ pending) {
  showStatus(state, pending);
  render();
};
board.onAck = function (/** @type {?Command} */ cmd) {
  if (cmd && cmd.ctx.indexOf('note:') === 0) {
    delete noteErrors[cmd.ctx.slice(5)];
  }
  render();
};
board.onError = function (/** @type {?Command} */ cmd,
  /** @type {Object<string, any>} */ err) {
  const message = errorText(err);
  if (cmd && cmd.ctx.indexOf('note:') === 0 && board.notes.has(cmd.ctx.slice(5))) {
    noteErrors[cmd.ctx.slice(5)] = message;
  } else {
    setAlert(byId('global-error'), message);
  }
  render();
};

/**
 * @param {string} noteId
 * @returns {boolean} whether a command about this note is waiting for its answer
 */
function waiting(noteId) {
  return conn.pending().some(function (c) { return c.ctx === 'note:' + noteId; });
}

/**
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function card(note, before) {
  const busy = waiting(note.id);
  const sig = JSON.stringify([note, busy, noteErrors[note.id] || '']);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const labels = note.hidden ? [t('note.hidden')] : [];
  if (busy) {
    labels.push(t('note.unsent'));
  }
  const node = noteCard(note, labels);
  node.setAttribute('data-sig', sig);
  const action = note.hidden ? 'unhide_note' : 'hide_note';
  const b = el('button', {type: 'button',
    class: 'button ' + (note.hidden ? 'primary' : 'secondary'),
    text: t(note.hidden ? 'note.unhide' : 'note.hide'), disabled: busy});
  b.addEventListener('click', function () {
    delete noteErrors[note.id];
    conn.command(action, {note_id: note.id}, 'note:' + note.id);
    render();
  });
  node.appendChild(el('div', {class: 'actions'}, [b]));
  node.appendChild(el('p', {class: 'form-error', role: 'alert', text: noteErrors[note.id] || ''}));
  return node;
}

/**
 * @param {Person} person
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function personRow(person, before) {
  const sig = JSON.stringify(person);
  if (before && before.getAttribute('data-sig') === sig) {
    return before;
  }
  const row = el('li', {class: 'person', 'data-sig': sig}, [
    userText('span', person.name, 'person-name'),
    el('span', {class: 'person-attribute', text: person.attribute})
  ]);
  return row;
}

function draw() {
  if (conn.state === 'closed_unknown') {
    setAlert(byId('global-error'), t('error.unknown_workshop'));
  }
  if (board.workshop.title) {
    byId('workshop-title').textContent = board.workshop.title;
  }
  byId('participant-count').textContent = t('screen.participants', {n: board.participantCount});
  const notes = board.newestFirst();
  reconcile(byId('console-notes'), notes, function (n) { return n.id; }, card);
  byId('notes-count').textContent = t('board.count', {n: notes.length});
  byId('notes-empty').hidden = notes.length > 0;
  const people = Array.from(board.participants.values());
  reconcile(byId('people'), people, function (p) { return p.id; }, personRow);
}

showStatus(conn.state, 0);
conn.start(board.dispatch, board.resumeInfo);
