// The focus card: one note, theme or table large over the projector's board, when the
// facilitator shows it (the console's 「大きく表示」). Its size is screen-fit.js's.

import {el, t} from './page.js';
import {userText, kindBadge} from './ui.js';
import {boardNotes, tally, members, miniNote, byVotes} from './screen-cards.js';
import {tableSheet} from './screen-sheet.js';

/** @typedef {import('./board.js').Board} Board */

/**
 * One note, theme or table, large over the board; null when there is nothing (left) to show.
 * @param {Board} board
 * @param {boolean} sharing whether the board is 全体共有, which shows the focused table itself
 * @returns {(HTMLElement|null)}
 */
export function focusCard(board, sharing) {
  const focus = board.workshop.focus;
  if (!focus || !focus.id) {
    return null;
  }
  if (focus.kind === 'table') {
    const table = board.collections.tables ? board.collections.tables.get(String(focus.id)) : null;
    if (!table || sharing) {
      return null;
    }
    const sheet = tableSheet(board, /** @type {any} */ (table), null);
    sheet.classList.add('focus-card', 'focus-table');
    return sheet;
  }
  const themes = board.collections.themes || new Map();
  if (focus.kind === 'note') {
    const note = board.notes.get(String(focus.id));
    if (!note) {
      return null;
    }
    const meta = el('p', {class: 'focus-meta'});
    const theme = note.theme ? themes.get(note.theme) : null;
    if (theme) {
      meta.appendChild(el('span', {class: 'focus-theme'}, [
        el('span', {class: 'focus-theme-label', text: t('screen.theme_label')}),
        userText('span', theme.title, 'focus-theme-title')]));
    }
    if (tally(board, note.id) > 0) {
      meta.appendChild(el('span', {class: 'focus-votes', text: t('screen.votes_of',
        {n: tally(board, note.id)})}));
    }
    return el('article', {class: 'focus-card focus-note kind-' + note.kind + ' fit-box',
      'data-note-id': note.id}, [
      kindBadge(note.kind),
      userText('p', note.text, 'focus-text'),
      meta.childNodes.length ? meta : null
    ]);
  }
  if (focus.kind === 'theme') {
    const theme = themes.get(String(focus.id));
    if (!theme) {
      return null;
    }
    const own = byVotes(board, boardNotes(board).filter(function (n) {
      return n.theme === theme.id;
    }));
    const list = el('ul', {class: 'mini-notes focus-notes fit-list', 'data-more': 'screen.more'});
    own.forEach(function (n) { list.appendChild(miniNote(n)); });
    const proposal = board.collections.proposals ? board.collections.proposals.get(theme.id) : null;
    return el('article', {class: 'focus-card focus-theme fit-box', 'data-trim-at': '3',
      'data-theme-id': theme.id}, [
      userText('h2', theme.title, 'focus-title'),
      el('p', {class: 'focus-meta'}, [members(theme.member_count || 0),
        el('span', {class: 'count', text: t('board.count', {n: own.length})})]),
      proposal && proposal.aim ? el('div', {class: 'focus-aim'}, [
        el('span', {class: 'aim-label', text: t('screen.aim')}),
        userText('p', proposal.aim, 'aim')]) : null,
      list
    ]);
  }
  return null;
}
