// The role board of step 4: actions down; who, which 協働のかたち and with whom across —
// the table the newsletter prints, as the room builds it.

import {t, el, byId} from './page.js';
import {userText} from './ui.js';
import {board, personName} from './console-core.js';
import {label, ids} from './vocab.js';

/** @typedef {import('./console-core.js').Item} Item */

/**
 * @param {string} form
 * @returns {string} its words (協働のかたち) in the page's language
 */
export function formLabel(form) {
  return label('forms', form);
}

let roleSig = '';

/** The role board: actions down; who, which form and with whom across. */
export function drawRoleBoard() {
  const actions = Array.from(board.collections.actions.values());
  const sig = JSON.stringify(actions);
  if (sig === roleSig) {
    return;
  }
  roleSig = sig;
  const table = byId('role-board');
  table.textContent = '';
  table.appendChild(el('caption', {text: t('console.roles.caption')}));
  const headRow = el('tr', {}, [
    el('th', {scope: 'col', text: t('console.roles.action')}),
    el('th', {scope: 'col', text: t('console.roles.who')})
  ]);
  const FORMS = ids('forms');
  FORMS.forEach(function (form) {
    headRow.appendChild(el('th', {scope: 'col', class: 'form-col form-' + form,
      text: formLabel(form)}));
  });
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.partners')}));
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.first_step')}));
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.due')}));
  table.appendChild(el('thead', {}, [headRow]));
  const tbody = el('tbody');
  actions.forEach(function (action) {
    const who = el('ul', {class: 'who'});
    (action.volunteers || []).forEach(function (/** @type {Item} */ v) {
      const lead = v.id === action.lead;
      who.appendChild(el('li', {class: lead ? 'is-lead' : null}, [
        lead ? el('span', {class: 'lead-mark', text: t('console.action.lead_mark')}) : null,
        userText('span', String(v.name || personName(v.id)))
      ]));
    });
    const row = el('tr', {'data-action-id': action.id}, [
      el('th', {scope: 'row'}, [userText('span', String(action.title))]),
      el('td', {class: 'who-col'}, [(action.volunteers || []).length ? who
        : el('span', {class: 'empty', text: t('console.roles.nobody')})])
    ]);
    FORMS.forEach(function (form) {
      const here = action.form === form;
      row.appendChild(el('td', {class: 'form-col' + (here ? ' is-form form-' + form : ''),
        'aria-label': here ? formLabel(form) : null}, [
        here ? el('span', {class: 'form-dot', 'aria-hidden': 'true', text: '●'}) : null
      ]));
    });
    row.appendChild(el('td', {class: 'partners-col'},
      [userText('span', (action.partners || []).join('、'))]));
    row.appendChild(el('td', {class: 'first-col'},
      [userText('span', String(action.first_step || ''))]));
    row.appendChild(el('td', {class: 'due', text: action.due || ''}));
    tbody.appendChild(row);
  });
  table.appendChild(tbody);
  byId('roles-empty').hidden = actions.length > 0;
  table.hidden = actions.length === 0;
}
