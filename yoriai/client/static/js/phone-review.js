// 将来につなげよう on the phone: the review in two columns (広げたい / 見直したい), and the
// progress of the actions this participant took on.
//
// Like a note, a review sent shows at once as 「未送信」 and becomes the server's when its
// event arrives, before the ack: the queued one is hidden as soon as a review of mine that
// was not mine when it was sent has arrived (phone-kit.js Arrivals).

import {t, el, icon, byId} from './page.js';
import {userText, reconcile} from './ui.js';
import {
  phone, pend, isLocked, meHas, items, send, refuse, button, sendButton,
  sendingLine, cached, checkedValue, checkValue, showLeft, tabOf, showTab, setupTabs,
  saveOrCancel, Arrivals, sayDone
} from './phone-kit.js';
import {ids, label, limit} from './vocab.js';

/**
 * @typedef {import('./phone-kit.js').Item} Item
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{key: string, review: Item, mine: boolean, unsent: boolean}} ReviewItem
 */

const reviewForm = /** @type {HTMLFormElement} */ (byId('review-form'));
const reviewText = /** @type {HTMLTextAreaElement} */ (byId('review-text'));
const reviewCount = byId('review-count');
const reviewSubmit = /** @type {HTMLButtonElement} */ (byId('review-submit'));
const reviewDone = byId('review-done');
/** The review just sent from the form, until its ack says 「送りました ✓」.
 * @type {(string|null)} */
let justPosted = null;

/** The review being fixed. @type {({id: string, text: string}|null)} */
let reviewEdit = null;
/** The review asking "delete this?". @type {(string|null)} */
let reviewConfirm = null;
/** The reviews this phone posted that are on the board before their ack. */
const posted = new Arrivals('post_review', function () {
  return Array.from(items('reviews').values()).filter(function (r) {
    return meHas('reviews', r.id);
  });
}, function (review, cmd) { return review.column === cmd.args.column; });

setupTabs('future');

function updateCount() {
  // A review is as long as a note may be (facilitation/plan.py review_text).
  showLeft(reviewText, reviewCount, limit('NOTE_MAX_CHARS'));
}

reviewText.addEventListener('input', function () {
  reviewDone.textContent = '';
  updateCount();
});
reviewForm.addEventListener('change', function () { reviewDone.textContent = ''; });
updateCount();

reviewForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  const column = checkedValue(reviewForm, 'column');
  const text = reviewText.value;
  if (!column) {
    refuse('review', t('error.bad_column'));
    return;
  }
  if (!text.trim()) {
    reviewText.focus();
    refuse('review', t('review.empty_text'));
    return;
  }
  phone.errors.clear('review');
  phone.stepError.textContent = '';
  const cmd = phone.conn.command('post_review', {column: column, text: text}, 'review');
  posted.sent(cmd);
  justPosted = cmd.id;
  reviewDone.textContent = '';
  reviewText.value = '';
  checkValue(reviewForm, 'column', ''); // chosen again for the next one
  updateCount();
  phone.render();
});

/** @returns {Array<ReviewItem>} everyone's reviews, newest first, and mine on their way */
function reviewItems() {
  /** @type {Array<ReviewItem>} */
  const out = [];
  const queue = phone.conn.pending();
  const arrived = posted.arrived(queue);
  queue.slice().reverse().forEach(function (c) {
    if (c.name === 'post_review' && !arrived[c.id]) {
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
 * The inline form that fixes one of my reviews.
 * @param {ReviewItem} item
 * @param {{id: string, text: string}} edit
 * @returns {HTMLElement}
 */
function editForm(item, edit) {
  const r = item.review;
  const ctx = 'review:' + r.id;
  const form = el('form', {class: 'edit-form', novalidate: true});
  const areaId = 'review-edit-' + r.id;
  form.appendChild(el('label', {for: areaId, class: 'field-label', text: t('review.text')}));
  const area = /** @type {HTMLTextAreaElement} */ (el('textarea', {id: areaId, rows: '3',
    dir: 'auto', class: 'user-text', 'data-fk': 'text'}));
  area.value = edit.text;
  area.addEventListener('input', function () { edit.text = area.value; });
  form.appendChild(area);
  form.appendChild(saveOrCancel(function () {
    reviewEdit = null;
    phone.errors.clear(ctx);
    phone.focus.ask('edit', item.key);
    phone.render();
  }));
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!area.value.trim()) {
      refuse(ctx, t('review.empty_text'));
      return;
    }
    reviewEdit = null;
    phone.focus.ask('edit', item.key);
    send('edit_review', {review_id: r.id, text: area.value}, ctx);
  });
  return form;
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
    reviewConfirm === r.id, isLocked(), busy, phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const column = r.column === 'change' ? 'change' : 'keep';
    const card = el('li', {class: 'note review-card column-' + column});
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
      card.appendChild(editForm(item, reviewEdit));
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
              phone.focus.ask('edit', item.key);
              phone.render();
            }, 'cancel')
          ])
        ]));
      } else {
        card.appendChild(el('div', {class: 'actions'}, [
          sendButton(t('note.edit'), 'secondary', 'edit', busy, function () {
            reviewEdit = {id: r.id, text: String(r.text)};
            reviewConfirm = null;
            phone.errors.clear(ctx);
            phone.focus.ask('text', item.key);
            phone.render();
          }),
          sendButton(t('review.delete'), 'secondary', 'ask-delete', busy, function () {
            reviewConfirm = r.id;
            reviewEdit = null;
            phone.render();
          })
        ]));
      }
    }
    if (busy) {
      card.appendChild(sendingLine());
    }
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
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
  const sig = JSON.stringify([a.title, a.status, shown, isLocked(), busy,
    phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card status-card'});
    card.appendChild(userText('h3', String(a.title), 'card-title'));
    const group = el('div', {class: 'status-choices', role: 'group',
      'aria-label': t('action.status')});
    ids('statuses').forEach(function (status) {
      const on = status === shown;
      const b = /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
        class: 'status-choice' + (on ? ' is-on' : ''), 'aria-pressed': on ? 'true' : 'false',
        'data-fk': status}));
      if (on) {
        b.appendChild(icon('check'));
      }
      b.appendChild(el('span', {text: label('statuses', status)}));
      b.disabled = isLocked();
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
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
}

/** Step 5: the review, or the progress of what I took on. */
export function draw() {
  const mine = Array.from(items('actions').values()).filter(function (a) {
    return meHas('actions', a.id);
  });
  byId('future-tabs').hidden = !mine.length;
  const tab = mine.length ? tabOf('future', function () { return 'review'; }) : 'review';
  showTab('future', tab);
  if (tab === 'review') {
    reviewSubmit.disabled = isLocked();
    if (reviewEdit && !items('reviews').has(reviewEdit.id)) {
      reviewEdit = null;
    }
    const all = reviewItems();
    ids('review_columns').forEach(function (column) {
      const list = all.filter(function (item) {
        return (item.review.column === 'change' ? 'change' : 'keep') === column;
      });
      reconcile(byId('reviews-' + column), list, function (item) { return item.key; },
        reviewCard);
      byId('reviews-empty-' + column).hidden = list.length > 0;
      byId('reviews-count-' + column).textContent = list.length ? '(' + list.length + ')' : '';
    });
  } else {
    reconcile(byId('status-list'), mine, function (a) { return String(a.id); }, statusCard);
  }
}

/**
 * A command of this view was refused: give the words back to be fixed.
 * @param {Command} cmd
 */
export function refused(cmd) {
  if (cmd.id === justPosted) {
    justPosted = null;
  }
  if (cmd.ctx === 'review' && !reviewText.value && typeof cmd.args.text === 'string') {
    reviewText.value = cmd.args.text;
    checkValue(reviewForm, 'column', String(cmd.args.column));
    updateCount();
  } else if (cmd.name === 'edit_review') {
    reviewEdit = {id: String(cmd.args.review_id), text: String(cmd.args.text || '')};
  }
}

/** The room moved on: a half-open edit or question is closed. */
export function stepChanged() {
  reviewEdit = null;
  reviewConfirm = null;
  reviewDone.textContent = '';
}

/**
 * The server has the review from the form: say so by 送る.
 * @param {Command} cmd
 */
export function acked(cmd) {
  if (cmd.name === 'post_review' && cmd.id === justPosted) {
    justPosted = null;
    sayDone(reviewDone, reviewText, t('review.posted'));
  }
}
