// Step 1 workspace (確かめてみよう): every note, with the facilitator's tools on each —
// fix a typo, hide or bring back, delete outright (spam; after a confirmation, since
// hiding is the gentle way), show it large on the projector, and (代理入力) give it
// 共感 for the person being entered for; private-until-revealed notes and 「全員に公開」;
// and the form that writes a note for someone without a phone.

import {t, el, byId} from './page.js';
import {noteCard, userText, kindBadge, charCount} from './ui.js';
import {
  board, state, send, sendAs, button, keyed, busy, draftInput, dropDraft, render, proxyPerson,
  proxySig, themeTitle, focusButton, inFocus, pendingArg, allNotes, errors, focusKeeper
} from './console-core.js';
import {ids, limit} from './vocab.js';
import {onBoard, drawTableFilter, boardTable, tableLabel} from './console-table-board.js';
import {proxyPin, proxyPlace, proxyPlaceSig, showOnMap, theMap} from './console-map.js';

/** @typedef {import('./console-core.js').Item} Item */

const NOTE_MAX = limit('NOTE_MAX_CHARS');

/**
 * Radio tiles for a note's kind, bound to a draft.
 * @param {string} key the draft's key
 * @param {string} idPrefix
 * @returns {HTMLElement}
 */
export function kindChoice(key, idPrefix) {
  const draft = state.drafts[key] || (state.drafts[key] = {});
  const box = el('fieldset', {class: 'kinds kinds-small kinds-row'}, [
    el('legend', {class: 'field-label', text: t('note.kind')})
  ]);
  ids('note_kinds').forEach(function (kind) {
    const id = idPrefix + '-' + kind;
    const input = /** @type {HTMLInputElement} */ (el('input', {type: 'radio',
      class: 'kind-input', id: id, name: idPrefix, value: kind, 'data-fk': id}));
    input.checked = draft.kind === kind;
    input.addEventListener('change', function () {
      if (input.checked) {
        draft.kind = kind;
      }
    });
    const label = el('label', {class: 'kind-choice kind-' + kind, for: id}, [kindBadge(kind)]);
    box.appendChild(input);
    box.appendChild(label);
  });
  return box;
}

/**
 * Check a note's text before sending it; the words match the server's.
 * @param {string} text
 * @param {string} kind
 * @returns {string} an error message, or ''
 */
export function noteProblem(text, kind) {
  if (!kind) {
    return t('error.bad_note_kind');
  }
  const length = charCount(text.trim());
  if (!length) {
    return t('error.empty_note');
  }
  if (length > NOTE_MAX) {
    return t('error.note_too_long', {max: NOTE_MAX, length: length});
  }
  return '';
}

// --- the toolbar: private notes, reveal, and the proxy's note form --------------------

function drawPrivacy() {
  const privateMode = !!(board.workshop.settings && board.workshop.settings.private_notes);
  const asked = pendingArg('set_private_notes', 'private');
  const box = /** @type {HTMLInputElement} */ (byId('private-notes'));
  box.checked = asked === undefined ? privateMode : !!asked;
  let hidden = 0;
  allNotes().forEach(function (n) {
    if (n.private) {
      hidden += 1;
    }
  });
  byId('private-count').textContent = privateMode || hidden
    ? t('console.private.count', {n: hidden}) : '';
  const reveal = /** @type {HTMLButtonElement} */ (byId('reveal-notes'));
  reveal.disabled = !privateMode && hidden === 0;
  byId('privacy-box').classList.toggle('is-on', privateMode);
}

let proxyFormSig = '';

function drawProxyNoteForm() {
  const person = proxyPerson();
  const box = byId('proxy-note');
  const sig = JSON.stringify([proxySig(), errors.get('proxy-note'),
    busy('proxy-note'), proxyPlaceSig()]);
  if (sig === proxyFormSig) {
    return;
  }
  proxyFormSig = sig;
  box.textContent = '';
  if (!person) {
    box.className = '';
    return; // the 代理入力 button above it says how to start
  }
  box.className = 'proxy-form panel-inset';
  const key = 'proxy-note';
  const text = draftInput(key, 'text', {label: t('note.text'), multiline: true, rows: 2,
    id: 'proxy-note-text'});
  const form = el('form', {class: 'form', novalidate: true}, [
    el('h3', {text: t('console.proxy.note_title', {name: person.name})}),
    kindChoice(key, 'proxy-kind'),
    text.label, text.input,
    proxyPlace(),  // on the map, when the workshop has one (console-map.js)
    errors.line('proxy-note'),
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary', text: t('console.proxy.post'),
        'data-fk': 'proxy-note-post'})
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const draft = state.drafts[key] || {};
    const problem = noteProblem(String(draft.text || ''), String(draft.kind || ''));
    if (problem) {
      errors.set('proxy-note', problem);
      proxyFormSig = '';
      render();
      return;
    }
    /** @type {Object<string, any>} */
    const sent = {kind: draft.kind, text: draft.text};
    const pin = proxyPin();
    const pinMap = draft.pinMap;
    if (pin) {
      sent.pin = pin;
    }
    sendAs('post_note', sent, 'proxy-note', {fail: function () {
      // Give the words back so that they can be fixed rather than typed again.
      const again = state.drafts[key] || (state.drafts[key] = {});
      if (!again.text) {
        again.text = sent.text;
        again.kind = sent.kind;
        again.pin = sent.pin;
        again.pinMap = pinMap;
      }
      proxyFormSig = '';
    }});
    state.drafts[key] = {kind: draft.kind, text: ''};
    focusKeeper.ask('proxy-note-text');
    proxyFormSig = '';
    render();
  });
  box.appendChild(form);
}

// --- the notes ---------------------------------------------------------------------------

/**
 * @param {Item} note
 * @returns {string}
 */
function noteSig(note) {
  const ctx = 'note:' + note.id;
  return JSON.stringify([note, board.tallies[note.id] || 0, busy(ctx), errors.get(ctx),
    state.open[ctx] || '', note.theme ? themeTitle(note.theme) : '', proxySig(),
    inFocus('note', note.id), boardTable() ? '' : tableLabel(note.table), !!theMap()]);
}

/**
 * The facilitator's card of one note.
 * @param {Item} note
 * @returns {HTMLElement}
 */
function noteNode(note) {
  const ctx = 'note:' + note.id;
  const waiting = busy(ctx);
  const labels = [];
  if (!boardTable() && note.table) {
    labels.push(tableLabel(note.table)); // every table's notes together: which one's
  }
  if (note.hidden) {
    labels.push(t('note.hidden'));
  }
  if (note.private) {
    labels.push(t('console.note.private'));
  }
  if (note.by_proxy) {
    labels.push(t('console.note.by_proxy'));
  }
  if (waiting) {
    labels.push(t('note.unsent'));
  }
  const card = noteCard(/** @type {any} */ (note), labels);
  card.classList.add('console-note');
  if (inFocus('note', note.id)) {
    card.classList.add('is-focused');
  }
  const tally = board.tallies[note.id] || 0;
  const head = card.querySelector('.note-head');
  if (head && tally) {
    head.appendChild(el('span', {class: 'tally', text: t('console.tally', {n: tally})}));
  }
  if (note.theme) {
    card.appendChild(el('p', {class: 'note-theme'}, [
      el('span', {text: t('console.note.in_theme')}), userText('span', themeTitle(note.theme))
    ]));
  }
  if (state.open[ctx] === 'edit') {
    card.appendChild(editForm(note));
  } else if (state.open[ctx] === 'delete') {
    card.appendChild(deleteConfirm(note));
  } else {
    const tools = el('div', {class: 'actions'}, [
      button(t('note.edit'), function () {
        state.open[ctx] = 'edit';
        state.drafts[ctx] = {text: note.text, kind: note.kind};
        focusKeeper.ask('edit-' + note.id);
        render();
      }, {fk: 'edit-open:' + note.id, disabled: waiting}),
      button(t(note.hidden ? 'note.unhide' : 'note.hide'), function () {
        send(note.hidden ? 'unhide_note' : 'hide_note', {note_id: note.id}, ctx);
      }, {kind: note.hidden ? 'primary' : 'secondary', fk: 'hide:' + note.id,
        disabled: waiting}),
      button(t('console.note.delete'), function () {
        state.open[ctx] = 'delete';
        errors.clear(ctx);
        // The safe answer has the focus: Enter on a reflex keeps the note.
        focusKeeper.ask('note-delete-no:' + note.id);
        render();
      }, {fk: 'note-delete:' + note.id, disabled: waiting, small: false,
        label: t('console.note.delete_label', {name: authorName(note)})}),
      focusButton('note', note.id, ctx, note.hidden || note.private)
    ]);
    if (note.pin && theMap()) {
      tools.appendChild(button(t('console.map.show'), function () { showOnMap(note.id); },
        {fk: 'map-show:' + note.id}));
    }
    card.appendChild(tools);
    const person = proxyPerson();
    if (person) {
      card.appendChild(voteRow(note, person));
    }
  }
  card.appendChild(errors.line(ctx));
  return card;
}

/**
 * @param {Item} note
 * @returns {string} who wrote it, as the console knows them
 */
function authorName(note) {
  return String(note.author_name || '');
}

/**
 * 「○○さんの付箋を削除します。元には戻せません。」 with the two answers.
 * @param {Item} note
 * @returns {HTMLElement}
 */
function deleteConfirm(note) {
  const ctx = 'note:' + note.id;
  return el('div', {class: 'confirm'}, [
    el('p', {class: 'confirm-question',
      text: t('console.note.delete_confirm', {name: authorName(note)})}),
    el('p', {class: 'hint', text: t('console.note.delete_hint')}),
    el('div', {class: 'actions'}, [
      button(t('console.note.delete_yes'), function () {
        delete state.open[ctx];
        send('delete_note', {note_id: note.id}, ctx);
      }, {kind: 'danger', fk: 'note-delete-yes:' + note.id, small: false}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        focusKeeper.ask('note-delete:' + note.id);
        render();
      }, {fk: 'note-delete-no:' + note.id, small: false})
    ])
  ]);
}

/**
 * 共感 for the person being entered for.
 * @param {Item} note
 * @param {Item} person
 * @returns {HTMLElement}
 */
export function voteRow(note, person) {
  const ctx = 'note:' + note.id;
  const given = person.votes && person.votes[note.id] ? person.votes[note.id] : 0;
  const row = el('div', {class: 'actions proxy-actions'}, [
    el('span', {class: 'proxy-who', text: t('console.proxy.for', {name: person.name})})
  ]);
  // What this person has given already, as their own phone would show it; 共感 is offered
  // where the server says it may be given (note.votable: not on a hidden note).
  if (note.votable !== false) {
    row.appendChild(button(t('console.vote.cast'), function () {
      sendAs('cast_vote', {note_id: note.id}, ctx);
    }, {kind: 'proxy', fk: 'vote:' + note.id}));
  }
  if (given > 0) {
    row.appendChild(button(t('console.vote.retract'), function () {
      sendAs('retract_vote', {note_id: note.id}, ctx);
    }, {fk: 'unvote:' + note.id}));
  }
  return row;
}

/**
 * @param {Item} note
 * @returns {HTMLElement}
 */
function editForm(note) {
  const ctx = 'note:' + note.id;
  const text = draftInput(ctx, 'text', {label: t('note.text'), multiline: true, rows: 3,
    id: 'edit-' + note.id});
  const form = el('form', {class: 'edit-form form', novalidate: true}, [
    kindChoice(ctx, 'edit-kind-' + note.id), text.label, text.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small', text: t('note.save'),
        'data-fk': 'edit-save:' + note.id}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        dropDraft(ctx);
        errors.clear(ctx);
        focusKeeper.ask('edit-open:' + note.id);
        render();
      }, {fk: 'edit-cancel:' + note.id})
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const draft = state.drafts[ctx] || {};
    const problem = noteProblem(String(draft.text || ''), String(draft.kind || ''));
    if (problem) {
      errors.set(ctx, problem);
      render();
      return;
    }
    send('edit_note', {note_id: note.id, text: draft.text, kind: draft.kind}, ctx, {
      ok: function () {
        delete state.open[ctx];
        dropDraft(ctx);
      }
    });
    focusKeeper.ask('edit-open:' + note.id);
  });
  return form;
}

/** Draw the notes workspace. */
export function drawNotes() {
  drawPrivacy();
  drawProxyNoteForm();
  drawTableFilter(byId('notes-table-filter'), 'notes');
  const notes = board.newestFirst().filter(onBoard);
  keyed(byId('console-notes'), notes, function (n) { return n.id; }, noteSig, noteNode);
  byId('notes-count').textContent = t('board.count', {n: notes.length});
  byId('notes-empty').hidden = notes.length > 0;
}

/** Wire the template's fixed controls once. */
export function setupNotes() {
  const box = /** @type {HTMLInputElement} */ (byId('private-notes'));
  box.addEventListener('change', function () {
    send('set_private_notes', {private: box.checked}, 'privacy');
  });
  byId('reveal-notes').addEventListener('click', function () {
    send('reveal_notes', {}, 'privacy');
  });
}
