// Step 5 workspace (将来につなげよう): the review in two columns — 広げたい (what went well,
// to spread) and 見直したい (what to change) — the CHECK and ACT of the plan; and how each
// action stands (its DO), since a later meeting fills it in.

import {t, el, byId} from './page.js';
import {userText, charCount} from './ui.js';
import {
  board, state, sendAs, send, button, keyed, busy, draftInput, dropDraft, render, proxyPerson,
  proxySig, errors, focusKeeper
} from './console-core.js';
import {statusForm} from './console-actions.js';
import {ids, limit} from './vocab.js';

/** @typedef {import('./console-core.js').Item} Item */

const COLUMNS = ids('review_columns');
// A review is a note-sized line (facilitation/plan.py review_text).
const REVIEW_MAX = limit('NOTE_MAX_CHARS');

/**
 * @param {string} text
 * @returns {string} an error message, or ''
 */
function problem(text) {
  const n = charCount(text.trim());
  if (!n) {
    return t('error.empty_review');
  }
  return n > REVIEW_MAX ? t('error.review_too_long', {max: REVIEW_MAX, length: n}) : '';
}

/** @type {Object<string, string>} */
const formSigs = {};

/** @param {string} column */
function drawForm(column) {
  const ctx = 'review-new:' + column;
  const person = proxyPerson();
  const sig = JSON.stringify([proxySig(), errors.get(ctx), busy(ctx)]);
  if (formSigs[column] === sig) {
    return;
  }
  formSigs[column] = sig;
  const box = byId('review-form-' + column);
  box.textContent = '';
  const text = draftInput(ctx, 'text', {label: person
    ? t('console.review.write_for', {name: person.name}) : t('console.review.write'),
  multiline: true, rows: 2, id: 'review-text-' + column});
  const form = el('form', {class: 'form', novalidate: true}, [
    text.label, text.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button ' + (person ? 'proxy' : 'primary') + ' small',
        text: t('console.review.post'), 'data-fk': 'review-post-' + column})
    ]),
    errors.line(ctx)
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = String(state.drafts[ctx].text || '');
    const bad = problem(value);
    if (bad) {
      errors.set(ctx, bad);
      formSigs[column] = '';
      render();
      return;
    }
    sendAs('post_review', {column: column, text: value}, ctx, {fail: function () {
      const draft = state.drafts[ctx] || (state.drafts[ctx] = {});
      if (!draft.text) {
        draft.text = value;
      }
      formSigs[column] = '';
    }});
    dropDraft(ctx);
    formSigs[column] = '';
    focusKeeper.ask('review-text-' + column);
    render();
  });
  box.appendChild(form);
}

/**
 * @param {Item} review
 * @returns {string}
 */
function reviewSig(review) {
  const ctx = 'review:' + review.id;
  return JSON.stringify([review, state.open[ctx] || '', errors.get(ctx), busy(ctx),
    board.workshop.meeting]);
}

/**
 * @param {Item} review
 * @returns {HTMLElement}
 */
function reviewCard(review) {
  const ctx = 'review:' + review.id;
  const mode = state.open[ctx] || '';
  const card = el('li', {class: 'review-card review-' + review.column});
  if (review.meeting && review.meeting !== board.workshop.meeting) {
    card.appendChild(el('span', {class: 'tag', text: t('home.meeting', {n: review.meeting})}));
  }
  if (mode === 'edit') {
    const text = draftInput(ctx, 'text', {label: t('note.text'), multiline: true, rows: 2,
      id: 'review-edit-' + review.id});
    const form = el('form', {class: 'form', novalidate: true}, [
      text.label, text.input,
      el('div', {class: 'actions'}, [
        el('button', {type: 'submit', class: 'button primary small', text: t('note.save')}),
        button(t('note.cancel'), function () {
          delete state.open[ctx];
          dropDraft(ctx);
          errors.clear(ctx);
          focusKeeper.ask('review-edit-open:' + review.id);
          render();
        })
      ])
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      const value = String(state.drafts[ctx].text || '');
      const bad = problem(value);
      if (bad) {
        errors.set(ctx, bad);
        render();
        return;
      }
      send('edit_review', {review_id: review.id, text: value}, ctx, {ok: function () {
        delete state.open[ctx];
        dropDraft(ctx);
        focusKeeper.ask('review-edit-open:' + review.id);
      }});
    });
    card.appendChild(form);
  } else {
    card.appendChild(userText('p', String(review.text), 'review-text'));
    if (mode === 'delete') {
      card.appendChild(el('div', {class: 'confirm'}, [
        el('p', {class: 'confirm-question', text: t('console.review.delete_confirm')}),
        el('div', {class: 'actions'}, [
          button(t('console.review.delete'), function () {
            delete state.open[ctx];
            send('delete_review', {review_id: review.id}, ctx);
          }, {kind: 'danger', fk: 'review-delete-yes:' + review.id}),
          button(t('note.cancel'), function () {
            delete state.open[ctx];
            focusKeeper.ask('review-delete:' + review.id);
            render();
          })
        ])
      ]));
      if (!focusKeeper.asked) {
      focusKeeper.ask('review-delete-yes:' + review.id);
    }
    } else {
      card.appendChild(el('div', {class: 'actions'}, [
        button(t('note.edit'), function () {
          state.open[ctx] = 'edit';
          state.drafts[ctx] = {text: review.text};
          focusKeeper.ask('review-edit-' + review.id);
          render();
        }, {fk: 'review-edit-open:' + review.id}),
        button(t('console.review.delete'), function () {
          state.open[ctx] = 'delete';
          render();
        }, {fk: 'review-delete:' + review.id})
      ]));
    }
  }
  card.appendChild(errors.line(ctx));
  return card;
}

/**
 * @param {Item} action
 * @returns {string}
 */
function doSig(action) {
  const ctx = 'status:' + action.id;
  return JSON.stringify([action.id, action.title, action.status, action.record,
    errors.get(ctx), busy(ctx)]);
}

/**
 * @param {Item} action
 * @returns {HTMLElement}
 */
function doRow(action) {
  return el('li', {class: 'do-row'}, [
    userText('h4', String(action.title), 'do-title'),
    statusForm(action, 'status-r')
  ]);
}

/** Draw the review workspace. */
export function drawReview() {
  const reviews = Array.from(board.collections.reviews.values());
  COLUMNS.forEach(function (column) {
    drawForm(column);
    const mine = reviews.filter(function (r) { return r.column === column; });
    keyed(byId('reviews-' + column), mine, function (r) { return r.id; }, reviewSig, reviewCard);
    byId('reviews-count-' + column).textContent = t('console.review.count', {n: mine.length});
  });
  const actions = Array.from(board.collections.actions.values());
  keyed(byId('do-list'), actions, function (a) { return a.id; }, doSig, doRow);
  byId('do-empty').hidden = actions.length > 0;
}
