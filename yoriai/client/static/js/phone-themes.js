// 仲間を増やそう on the phone: 共感 on the room's notes, and the themes (輪) to join. The
// theme cards are also the join list of 地域の活動にしよう (phone-plan.js) for whoever has
// not joined one yet.

import {t, el, byId} from './page.js';
import {noteCard, userText, kindBadge, reconcile, idNumber} from './ui.js';
import {
  phone, pend, isLocked, settings, me, meHas, items, pendingCount, isFocus, send, refuse,
  sendButton, sendingLine, mark, markFocus, themeHead, cached, tabOf, showTab, setupTabs
} from './phone-kit.js';
import {arranged, rowNode, noteOwner, themeOwner, myTableId} from './phone-tables.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./phone-kit.js').Item} Item
 */

/** How many of a theme's notes its card lists before "ほか N枚". */
const THEME_NOTES_SHOWN = 5;

setupTabs('companions');

/** @returns {number} 共感 votes left, counting those on their way */
export function votesLeft() {
  const left = typeof me().votes_left === 'number' ? me().votes_left : 0;
  return left - pendingCount('cast_vote') + pendingCount('retract_vote');
}

/**
 * The notes one may give 共感 to, oldest first (cards stay put). The server says which
 * with each note it sends (``votable``): no rule of its own here.
 * @returns {Array<Note>}
 */
export function voteNotes() {
  return Array.from(phone.board.notes.values()).filter(function (n) {
    return !!n.votable;
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
}

/**
 * The notes of the 共感 list: those one may give 共感 to and, seated at a table, the rest of
 * the board as well, to be read (共感 per table: the room's notes; the other tables', when
 * the facilitator lets phones look at them).
 * @returns {Array<Note>}
 */
function voteListNotes() {
  const mine = myTableId();
  return Array.from(phone.board.notes.values()).filter(function (n) {
    return !!n.votable || (!!mine && noteOwner(n) !== mine && !n.hidden);
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
}

/**
 * A note of another table that this person may not give 共感 to: shown to be read.
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function readCard(note, before) {
  return cached(before, JSON.stringify(['read', note]), function () {
    const card = noteCard(note);
    card.classList.add('is-read-only');
    return card;
  });
}

/** @returns {Array<Item>} the themes, in the order they were made */
export function themeList() {
  return Array.from(items('themes').values());
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
  const tally = phone.board.tallies[note.id] || 0;
  const busy = !!pend[ctx];
  const focused = isFocus('note', note.id);
  const mine = phone.board.isMine(note);
  // None left: 共感する is off (and the bar at the bottom says why), not pressable in vain.
  const out = votesLeft() <= 0;
  const sig = JSON.stringify([note, given, multi, visible ? tally : null, mine,
    focused, isLocked(), busy, out, phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const card = noteCard(note, mine ? [t('note.mine')] : []);
    card.classList.add('vote-card');
    card.classList.toggle('is-chosen', given > 0);
    if (focused) {
      markFocus(card);
    }
    if (given > 0) {
      card.appendChild(mark('check', multi ? t('vote.given_n', {n: given}) : t('vote.given'),
        'chosen-mark'));
    }
    /** Give one more 共感, unless none are left (said here, at once, without asking). */
    function cast() {
      if (votesLeft() <= 0) {
        refuse(ctx, t('error.no_votes_left', {budget: settings().vote_budget || 0}));
        return;
      }
      send('cast_vote', {note_id: note.id}, ctx);
    }
    const buttons = [];
    if (given === 0) {
      buttons.push(sendButton(t('vote.cast'), 'primary wide-button', 'cast', busy || out, cast));
    } else {
      if (multi) {
        buttons.push(sendButton(t('vote.more'), 'primary', 'cast', busy || out, cast));
      }
      buttons.push(sendButton(t('vote.retract'), 'secondary', 'retract', busy, function () {
        send('retract_vote', {note_id: note.id}, ctx);
      }));
    }
    card.appendChild(el('div', {class: 'actions'}, buttons));
    if (busy) {
      card.appendChild(sendingLine());
    }
    if (visible) { // after the button, which stays right under the note's words
      card.appendChild(mark('vote', t('vote.tally', {n: tally}), 'tally'));
    }
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
}

/**
 * A theme with its notes, to join or leave; another table's, only to be read.
 * @param {Item} theme
 * @param {(HTMLElement|undefined)} before
 * @param {boolean} [readOnly] another table's theme (no button)
 * @returns {HTMLElement}
 */
export function themeCard(theme, before, readOnly) {
  const ctx = 'theme:' + theme.id;
  const joined = meHas('themes', theme.id);
  const busy = !!pend[ctx];
  const focused = isFocus('theme', theme.id);
  const notes = Array.from(phone.board.notes.values()).filter(function (n) {
    return n.theme === theme.id && !n.hidden;
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
  const sig = JSON.stringify([theme, notes, joined, focused, isLocked(), busy,
    phone.errors.get(ctx), !!readOnly]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card theme-card'});
    card.classList.toggle('is-chosen', joined);
    card.appendChild(themeHead(theme.title, 'h3'));
    card.appendChild(el('p', {class: 'members',
      text: t('theme.members', {n: theme.member_count || 0})}));
    // The button comes right after the theme's name: on a small screen it is in sight
    // without scrolling past the theme's notes.
    if (readOnly) {
      card.classList.add('is-read-only');
      if (joined) {
        card.appendChild(mark('check', t('theme.joined'), 'chosen-mark'));
      }
    } else if (joined) {
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
    card.appendChild(phone.errors.line(ctx));
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
    return card;
  });
}

/** Step 2: the 共感 part or the themes part. */
export function draw() {
  const tab = tabOf('companions', function () {
    return items('themes').size > 0 && votesLeft() <= 0 ? 'themes' : 'votes';
  });
  showTab('companions', tab);
  const themes = themeList();
  byId('themes-count').textContent = themes.length ? '(' + themes.length + ')' : '';
  if (tab === 'votes') {
    const budget = settings().vote_budget || 0;
    byId('votes-left').textContent = t('vote.left', {n: Math.max(0, votesLeft())});
    // 共感 per table: the budget is for the notes of the table one sits at now (the server
    // counts me.votes_left so).
    const perTable = settings().vote_scope === 'table' && !!myTableId();
    byId('votes-hint').textContent = t((perTable ? 'table.' : '') +
      (settings().multi_vote ? 'vote.hint_multi' : 'vote.hint'), {budget: budget});
    const notes = voteNotes();
    // Seated at a table: its notes first; the other tables' when allowed and opened.
    const rows = arranged('votes', voteListNotes(), function (n) { return n.id; }, noteOwner,
      'table.notes', 'table.room_notes');
    reconcile(byId('vote-list'), rows, function (row) { return row.key; },
      function (row, before) {
        if (!row.item) {
          return rowNode(row, before);
        }
        return row.item.votable ? voteCard(row.item, before) : readCard(row.item, before);
      });
    byId('votes-empty').hidden = rows.length > 0;
    const out = byId('votes-out');
    out.textContent = t('vote.out', {budget: budget});
    out.hidden = !(notes.length > 0 && budget > 0 && votesLeft() <= 0);
  } else {
    const rows = arranged('themes', themes, function (th) { return String(th.id); }, themeOwner,
      'table.themes', 'table.room_themes');
    reconcile(byId('theme-list'), rows, function (row) { return row.key; },
      function (row, before) {
        return row.item ? themeCard(row.item, before, row.other) : rowNode(row, before);
      });
    byId('themes-empty').hidden = rows.length > 0;
  }
}
