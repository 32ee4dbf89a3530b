// 確かめてみよう on the phone: write a note, fix or remove your own, read everyone's.
//
// A note sent is shown at once, marked 「未送信」, until the server has it; then it is the
// server's note. The server's event and the command's ack are separate messages, so for a
// moment the note is both in the board and in the queue: the queued one is shown only
// while no note of this participant has arrived for it (phone-kit.js Arrivals).
//
// In a map step (the program's step has "map": true) of a workshop with a map, the form
// starts with the map (phone-map.js, loaded then): a tap places the note, 「この場所に貼る」
// sends it with its place, 「場所を選ばずに貼る」 without one.

import {t, el, icon, byId} from './page.js';
import {noteCard, reconcile} from './ui.js';
import {
  phone, isLocked, button, lockable, checkedValue, checkValue, showLeft, cached,
  saveOrCancel, Arrivals, sayDone
} from './phone-kit.js';
import {ids, limit} from './vocab.js';
import {arranged, rowNode, noteOwner} from './phone-tables.js';
import {MapSlot, placesOf} from './phone-map-form.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{key: string, note: Note, unsent: boolean, deleting: boolean,
 *   cmdId: (string|null)}} MineItem
 *   key: the note id, or the command id of a note not yet sent
 */

const noteForm = /** @type {HTMLFormElement} */ (byId('note-form'));
const noteText = /** @type {HTMLTextAreaElement} */ (byId('note-text'));
const noteCount = byId('note-count');
const noteSubmit = /** @type {HTMLButtonElement} */ (byId('note-submit'));
const mineList = byId('mine-list');
const mineEmpty = byId('mine-empty');
const othersList = byId('others-list');
const othersEmpty = byId('others-empty');
const othersCount = byId('others-count');
const othersPrivate = byId('others-private');
const noteDone = byId('note-done');
/** The map at the top of the form in a map step, and 「場所を選ばずに貼る」. */
const map = new MapSlot(noteForm, byId('note-map'), noteSubmit, 'note.post', 'note',
  'note-noplace', function () { post(null); });

/** The card being edited: its key and the draft so far.
 * @type {({key: string, text: string, kind: string}|null)} */
let editing = null;
/** The card asking "remove this note?". @type {(string|null)} */
let confirming = null;
/** The note just posted from the form, until its ack says 「貼りました ✓」.
 * @type {(string|null)} */
let justPosted = null;
/** The notes this phone posted that are on the board before their ack. */
const posted = new Arrivals('post_note', function () {
  return phone.board.newestFirst().filter(function (n) {
    return phone.board.isMine(n);
  }).reverse();
}, function (note, cmd) { return note.kind === cmd.args.kind; });

function updateCount() {
  showLeft(noteText, noteCount, limit('NOTE_MAX_CHARS'));
}

noteForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  if (map.placed()) {
    post(map.active() ? map.take() : null);
  }
});

/**
 * Send the note written in the form, with its place on the map or without.
 * @param {(import('./phone-map.js').Pin|null)} pin
 */
function post(pin) {
  const kind = checkedValue(noteForm, 'kind');
  const text = noteText.value;
  if (!kind) {
    phone.errors.set('note', t('error.bad_note_kind'));
    phone.render();
    return;
  }
  if (!text.trim()) {
    phone.errors.set('note', t('error.empty_note'));
    noteText.focus();
    phone.render();
    return;
  }
  phone.errors.clear('note');
  /** @type {Object<string, any>} */
  const args = {kind: kind, text: text};
  if (pin) {
    args.pin = {x: pin.x, y: pin.y};
  }
  const cmd = phone.conn.command('post_note', args, 'note');
  posted.sent(cmd);
  map.forget(); // the next note is placed afresh
  justPosted = cmd.id;
  noteDone.textContent = '';
  noteText.value = '';
  // The kind is chosen again for the next note: a 課題 must not go up as the 魅力 before.
  checkValue(noteForm, 'kind', '');
  updateCount();
  phone.render();
}

noteText.addEventListener('input', function () {
  noteDone.textContent = ''; // the next note is being written
  updateCount();
});
noteForm.addEventListener('change', function () {
  noteDone.textContent = '';
  if (map.active()) {
    phone.render(); // the pin takes the shape and colour of the kind chosen
  }
});
updateCount();

/** @returns {Array<MineItem>} my notes as they will be once what waits is sent */
function mineItems() {
  /** @type {Array<MineItem>} */
  const out = [];
  /** @type {Object<string, Command>} */
  const edits = {};
  /** @type {Object<string, boolean>} */
  const deletes = {};
  const queue = phone.conn.pending();
  queue.forEach(function (cmd) {
    if (cmd.name === 'edit_note') {
      edits[cmd.args.note_id] = cmd;
    } else if (cmd.name === 'delete_note') {
      deletes[cmd.args.note_id] = true;
    }
  });
  const arrived = posted.arrived(queue);
  queue.slice().reverse().forEach(function (cmd) {
    if (cmd.name === 'post_note' && !arrived[cmd.id]) {
      out.push({key: cmd.id, cmdId: cmd.id, unsent: true, deleting: false, note: Object.assign({
        id: cmd.id, kind: String(cmd.args.kind), text: String(cmd.args.text), step: '',
        theme: null, hidden: false, private: false, edited: false, meeting: 0},
      {pin: cmd.args.pin || null})});
    }
  });
  phone.board.newestFirst().forEach(function (note) {
    if (!phone.board.isMine(note)) {
      return;
    }
    const edit = edits[note.id];
    const shown = edit ? Object.assign({}, note, {
      text: String(edit.args.text), kind: String(edit.args.kind || note.kind)}) : note;
    out.push({key: note.id, cmdId: null, note: shown, unsent: !!edit || !!deletes[note.id],
      deleting: !!deletes[note.id]});
  });
  return out;
}

/**
 * The card of one of my notes, with its buttons or its edit form.
 * @param {MineItem} item
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function mineCard(item, before) {
  const ctx = 'note:' + item.key;
  const sig = JSON.stringify([item.note, item.unsent, item.deleting,
    item.cmdId ? phone.conn.isHeld(item.cmdId) : true,
    editing && editing.key === item.key, confirming === item.key,
    phone.errors.get(ctx), isLocked()]);
  return cached(before, sig, function () {
    const note = item.note;
    const labels = [];
    if (item.unsent) {
      labels.push(t('note.unsent'));
    }
    if (note.hidden) {
      labels.push(t('note.hidden_mine'));
    }
    const card = noteCard(note, labels);
    card.classList.add('mine');
    if (item.unsent) {
      card.classList.add('is-unsent');
    }
    // Commands on their way can no longer be changed; the card waits for the answer.
    const changeable = !item.deleting && (item.cmdId === null || phone.conn.isHeld(item.cmdId));
    if (editing && editing.key === item.key) {
      card.appendChild(editForm(item));
    } else if (confirming === item.key && changeable) {
      card.appendChild(el('div', {class: 'confirm'}, [
        el('p', {class: 'confirm-question', text: t('note.delete_confirm')}),
        el('div', {class: 'actions'}, [
          lockable(button(t('note.delete'), 'danger', function () { remove(item); }, 'delete')),
          button(t('note.cancel'), 'secondary', function () {
            confirming = null;
            phone.focus.ask('edit', item.key);
            phone.render();
          }, 'cancel')
        ])
      ]));
    } else if (changeable) {
      card.appendChild(el('div', {class: 'actions'}, [
        lockable(button(t('note.edit'), 'secondary edit', function () {
          editing = {key: item.key, text: note.text, kind: note.kind};
          confirming = null;
          phone.errors.clear(ctx);
          phone.focus.ask('text', item.key);
          phone.render();
        }, 'edit')),
        lockable(button(t('note.delete'), 'secondary', function () {
          confirming = item.key;
          editing = null;
          phone.focus.ask('cancel', item.key);
          phone.render();
        }, 'ask-delete'))
      ]));
    }
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
}

/**
 * The inline form that fixes a note.
 * @param {MineItem} item
 * @returns {HTMLElement}
 */
function editForm(item) {
  const ctx = 'note:' + item.key;
  const draft = editing || {key: item.key, text: item.note.text, kind: item.note.kind};
  const form = /** @type {HTMLFormElement} */ (el('form', {class: 'edit-form',
    novalidate: true}));
  const group = 'kind-' + item.key;
  const kinds = el('fieldset', {class: 'kinds kinds-small'}, [
    el('legend', {text: t('note.kind')})
  ]);
  ids('note_kinds').forEach(function (kind) {
    const box = /** @type {HTMLInputElement} */ (el('input', {type: 'radio', name: 'kind',
      value: kind, class: 'kind-input', id: group + '-' + kind}));
    box.checked = draft.kind === kind;
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
    rows: '3', dir: 'auto', class: 'user-text', 'data-fk': 'text'}));
  area.value = draft.text;
  area.addEventListener('input', function () {
    if (editing) {
      editing.text = area.value;
    }
  });
  form.appendChild(kinds);
  form.appendChild(el('label', {for: areaId, class: 'field-label', text: t('note.text')}));
  form.appendChild(area);
  form.appendChild(saveOrCancel(function () {
    editing = null;
    phone.errors.clear(ctx);
    phone.focus.ask('edit', item.key);
    phone.render();
  }));
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const text = area.value;
    const kind = checkedValue(form, 'kind') || item.note.kind;
    if (!text.trim()) {
      phone.errors.set(ctx, t('error.empty_note'));
      if (editing) {
        editing.text = text;
      }
      phone.render();
      return;
    }
    phone.errors.clear(ctx);
    editing = null;
    phone.focus.ask('edit', item.key);
    if (item.cmdId) {
      phone.conn.amend(item.cmdId, {kind: kind, text: text});
    } else {
      phone.conn.command('edit_note', {note_id: item.key, text: text, kind: kind}, ctx);
    }
    phone.render();
  });
  return form;
}

/** @param {MineItem} item */
function remove(item) {
  confirming = null;
  if (item.cmdId) {
    phone.conn.withdraw(item.cmdId);
  } else {
    phone.conn.command('delete_note', {note_id: item.key}, 'note:' + item.key);
  }
  phone.render();
}

/**
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function otherCard(note, before) {
  return cached(before, JSON.stringify(note), function () {
    // Someone else's note before it is revealed: only a table host sees it (their table's).
    return noteCard(note, note.private ? [t('host.private')] : []);
  });
}

/** Step 1: the note form, my notes, everyone else's. */
export function draw() {
  if (editing && !phone.board.notes.has(editing.key) && !phone.conn.isHeld(editing.key)) {
    editing = null; // the note went away under the edit
  }
  noteSubmit.disabled = isLocked();
  const mine = mineItems();
  map.draw(placesOf(mine.filter(function (item) { return !item.deleting; }).map(
    function (item) { return item.note; })));
  reconcile(mineList, mine, function (item) { return item.key; }, mineCard);
  mineEmpty.hidden = mine.length > 0;
  const others = phone.board.newestFirst().filter(function (n) {
    return !phone.board.isMine(n);
  });
  // Seated at a table: that table's notes first, other tables' only when allowed and asked.
  const rows = arranged('notes', others, function (n) { return n.id; }, noteOwner,
    'table.notes', 'table.room_notes');
  reconcile(othersList, rows, function (row) { return row.key; }, function (row, before) {
    return row.item ? otherCard(row.item, before) : rowNode(row, before);
  });
  const shown = rows.filter(function (row) { return !!row.item; }).length;
  // While notes are private the others' are written but not shown: say how many.
  const waiting = privateOthers();
  othersPrivate.textContent = t('board.private', {n: waiting});
  othersPrivate.hidden = waiting <= 0;
  othersEmpty.hidden = rows.length > 0 || waiting > 0;
  othersCount.textContent = t('board.count', {n: shown});
}

/** @returns {number} the others' notes that are written but not shown until revealed */
function privateOthers() {
  const all = Number(phone.board.workshop.private_count) || 0;
  // Those this phone has are shown: my own, and a table host's table's (with their authors).
  let shown = 0;
  phone.board.notes.forEach(function (n) {
    if (n.private && !n.hidden) {
      shown += 1;
    }
  });
  return Math.max(0, all - shown);
}

/**
 * The server has the note from the form: say so where the eyes are, by 貼る.
 * @param {Command} cmd
 */
export function acked(cmd) {
  if (cmd.name === 'post_note' && cmd.id === justPosted) {
    justPosted = null;
    sayDone(noteDone, noteText, t('note.posted'));
  }
}

/** The room moved on: the last 「貼りました」 is old news. */
export function stepChanged() {
  noteDone.textContent = '';
  map.forget();
}

/**
 * A command of this view was refused: give the words back so they can be fixed instead of
 * typed again.
 * @param {Command} cmd
 */
export function refused(cmd) {
  if (cmd.id === justPosted) {
    justPosted = null;
  }
  if (cmd.ctx === 'note' && !noteText.value && typeof cmd.args.text === 'string') {
    noteText.value = cmd.args.text;
    checkValue(noteForm, 'kind', String(cmd.args.kind));
    updateCount();
    map.restore(cmd.args.pin); // the place, as the words, kept
  } else if (cmd.name === 'edit_note' && cmd.ctx.indexOf('note:') === 0) {
    const key = cmd.ctx.slice(5);
    if (phone.board.notes.has(key)) {
      editing = {key: key, text: String(cmd.args.text || ''), kind: String(cmd.args.kind || '')};
    }
  }
}
