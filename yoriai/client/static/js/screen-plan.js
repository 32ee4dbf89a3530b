// The projector's boards of steps 4 and 5: THE role board (actions down; 担い手,
// 協働のかたち, partners, first step and date across) and the review (広げたい / 見直したい)
// beside where each action stands. Sizes are screen-fit.js's (see screen-themes.js).

import {el, t, icon} from './page.js';
import {userText} from './ui.js';
import {items} from './screen-cards.js';
import {ids, label} from './vocab.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./screen-cards.js').Item} Item
 */

// --- step 4: 実践しよう ----------------------------------------------------------------------

/**
 * A date as people say it: 「12月20日」, with the year when it is not the meeting's.
 * @param {string} iso YYYY-MM-DD
 * @param {string} lang
 * @param {string} [thisYear]
 * @returns {string}
 */
export function formatDate(iso, lang, thisYear) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) {
    return iso || '';
  }
  const withYear = m[1] !== thisYear;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  /** @type {Object<string, string>} */
  const options = {month: lang === 'ja' ? 'long' : 'short', day: 'numeric', timeZone: 'UTC'};
  if (withYear) {
    options.year = 'numeric';
  }
  // Intl says dates as people do: 「12月20日」, "20 Dec"; no words of ours needed.
  return date.toLocaleDateString(dateLocale(lang), options);
}

/**
 * @param {string} lang
 * @returns {string}
 */
function dateLocale(lang) {
  return lang === 'ja' ? 'ja-JP' : 'en-GB';
}

/**
 * Just the year, as people write it (「2027年」, "2027").
 * @param {string} year
 * @param {string} lang
 * @returns {string}
 */
function yearOnly(year, lang) {
  return new Date(Date.UTC(Number(year), 0, 1)).toLocaleDateString(
    dateLocale(lang), {year: 'numeric', timeZone: 'UTC'});
}

/**
 * An action's date, its year (when it is not this meeting's) free to go on its own line.
 * @param {string} due
 * @param {string} lang
 * @param {string} year
 * @returns {HTMLElement}
 */
function dueDate(due, lang, year) {
  const node = el('span', {class: 'due'});
  if (!due) {
    node.textContent = '—';
    return node;
  }
  const m = /^(\d{4})-/.exec(due);
  if (m && lang === 'ja' && m[1] !== year) {
    node.appendChild(el('span', {class: 'due-part', text: yearOnly(m[1], lang)}));
    node.appendChild(el('span', {class: 'due-part', text: formatDate(due, lang, m[1])}));
  } else {
    node.appendChild(el('span', {class: 'due-part', text: formatDate(due, lang, year)}));
  }
  return node;
}

/**
 * The short name of a form, which may break only after 「／」 (市民／ | 行政).
 * @param {string} form
 * @param {string} className
 * @returns {HTMLElement}
 */
function formWord(form, className) {
  const word = t('screen.form.' + form);
  const cut = word.indexOf('／') + 1;
  const parts = cut > 0 && cut < word.length ? [word.slice(0, cut), word.slice(cut)] : [word];
  return el('span', {class: className}, parts.map(function (part) {
    return el('span', {class: 'form-part', text: part});
  }));
}

/**
 * The five 協働のかたち as a scale, the action's own one marked by a filled box, a
 * marker and its word (never by colour alone).
 * @param {string} form
 * @returns {HTMLElement}
 */
export function formScale(form) {
  const scale = el('div', {class: 'form-scale', 'data-form': form});
  ids('forms').forEach(function (f) {
    const marked = f === form;
    scale.appendChild(el('span', {class: 'form-step' + (marked ? ' is-marked' : ''),
      'data-form': f, 'aria-current': marked ? 'true' : null},
    marked ? [el('span', {class: 'form-marker', 'aria-hidden': 'true', text: '●'}),
      formWord(f, 'form-word')]
      : [el('span', {class: 'visually-hidden', text: t('screen.form.' + f)})]));
  });
  return scale;
}

/**
 * The 担い手 of an action: the 代表 first and marked, then the others.
 * @param {Item} action
 * @returns {HTMLElement}
 */
function people(action) {
  const list = el('ul', {class: 'people-list'});
  const volunteers = (action.volunteers || []).slice().sort(function (
    /** @type {Item} */ a, /** @type {Item} */ b) {
    return (b.id === action.lead ? 1 : 0) - (a.id === action.lead ? 1 : 0);
  });
  volunteers.forEach(function (/** @type {Item} */ v) {
    const lead = v.id === action.lead;
    list.appendChild(el('li', {class: 'role-person' + (lead ? ' is-lead' : ''),
      'data-person-id': v.id}, [
      lead ? el('span', {class: 'lead-badge', text: t('screen.lead')}) : null,
      userText('span', v.name || '', 'person-name')
    ]));
  });
  if (!volunteers.length) {
    list.appendChild(el('li', {class: 'role-person nobody', text: t('screen.nobody')}));
  }
  return list;
}

/**
 * THE role board: actions down; 担い手, 協働のかたち, partners, first step and date across.
 * @param {HTMLElement} view
 * @param {Board} board
 * @param {string} lang
 */
export function practiceView(view, board, lang) {
  view.textContent = '';
  const actions = items(board, 'actions');
  if (!actions.length) {
    view.appendChild(el('p', {class: 'empty', text: t('screen.actions_empty')}));
    return;
  }
  const themes = board.collections.themes || new Map();
  const year = String(board.workshop.date || '').slice(0, 4);
  const legend = el('div', {class: 'form-legend', 'aria-hidden': 'true'});
  ids('forms').forEach(function (f) {
    legend.appendChild(formWord(f, 'form-legend-word'));
  });
  const headRow = el('tr', {}, [
    el('th', {scope: 'col', class: 'col-action', text: t('screen.col_action')}),
    el('th', {scope: 'col', class: 'col-people', text: t('screen.col_people')}),
    el('th', {scope: 'col', class: 'col-form'}, [
      el('span', {class: 'col-form-title', text: t('screen.col_form')}), legend]),
    el('th', {scope: 'col', class: 'col-partners', text: t('screen.col_partners')}),
    el('th', {scope: 'col', class: 'col-first', text: t('screen.col_first_step')}),
    el('th', {scope: 'col', class: 'col-due', text: t('screen.col_due')})
  ]);
  const body = el('tbody', {class: 'fit-list', 'data-more': 'screen.more_items',
    'data-rotate': ''});
  actions.forEach(function (a) {
    const theme = themes.get(a.theme);
    const partners = el('ul', {class: 'partner-list'});
    (a.partners || []).forEach(function (/** @type {string} */ p) {
      partners.appendChild(el('li', {}, [userText('span', p, 'partner')]));
    });
    body.appendChild(el('tr', {class: 'role-row fit-item', 'data-action-id': a.id}, [
      el('th', {scope: 'row', class: 'col-action'}, [userText('span', a.title, 'action-title'),
        theme ? userText('span', theme.title, 'action-theme') : null]),
      el('td', {class: 'col-people'}, [people(a)]),
      el('td', {class: 'col-form'}, [formScale(a.form)]),
      el('td', {class: 'col-partners'}, [partners]),
      el('td', {class: 'col-first'}, [userText('span', a.first_step || '', 'first-step')]),
      el('td', {class: 'col-due'}, [dueDate(a.due, lang, year)])
    ]));
  });
  view.appendChild(el('div', {class: 'role-board fit-box'}, [
    el('table', {class: 'role-table'}, [el('thead', {}, [headRow]), body])
  ]));
}

// --- step 5: 将来につなげよう --------------------------------------------------------------

/**
 * An action's status as icon and word.
 * @param {string} status
 * @returns {HTMLElement}
 */
export function statusBadge(status) {
  const statuses = ids('statuses');
  const known = statuses.indexOf(status) >= 0 ? status : statuses[0];
  return el('span', {class: 'status-badge status-' + known, 'data-status': known}, [
    icon('status-' + known), el('span', {text: label('statuses', known)})]);
}

/**
 * The review in two columns (広げたい / 見直したい) and where each action stands.
 * @param {HTMLElement} view
 * @param {Board} board
 */
export function futureView(view, board) {
  view.textContent = '';
  const reviews = items(board, 'reviews');
  ids('review_columns').forEach(function (column) {
    const own = reviews.filter(function (r) { return r.column === column; });
    const list = el('ul', {id: 'reviews-' + column, class: 'review-list fit-list',
      'data-more': 'screen.more_items', 'data-rotate': ''});
    own.forEach(function (r) {
      list.appendChild(el('li', {class: 'review fit-item', 'data-review-id': r.id},
        [userText('p', r.text, 'review-text')]));
    });
    if (!own.length) {
      list.appendChild(el('li', {class: 'empty', text: t('screen.reviews_empty')}));
    }
    view.appendChild(el('section', {class: 'review-col review-' + column + ' panel-box fit-box',
      'data-trim-at': '5', 'aria-labelledby': 'review-head-' + column}, [
      el('h3', {id: 'review-head-' + column, class: 'panel-head'}, [icon('review-' + column),
        el('span', {text: label('review_columns', column)}),
        el('span', {class: 'count', text: t('screen.n_items', {n: own.length})})]),
      list
    ]));
  });

  const actions = items(board, 'actions');
  const counts = el('p', {class: 'status-counts'});
  ids('statuses').forEach(function (s) {
    const n = actions.filter(function (a) { return a.status === s; }).length;
    if (n) {
      counts.appendChild(el('span', {class: 'status-count', 'data-status': s},
        [statusBadge(s), el('span', {class: 'status-n', text: String(n)})]));
    }
  });
  const list = el('ul', {id: 'status-list', class: 'status-list fit-list',
    'data-more': 'screen.more_items', 'data-rotate': ''});
  actions.forEach(function (a) {
    list.appendChild(el('li', {class: 'status-item fit-item', 'data-action-id': a.id}, [
      userText('span', a.title, 'status-title'), statusBadge(a.status)]));
  });
  if (!actions.length) {
    list.appendChild(el('li', {class: 'empty', text: t('screen.actions_empty')}));
  }
  view.appendChild(el('section', {class: 'status-col panel-box fit-box',
    'data-trim-at': '5', 'aria-labelledby': 'status-head'}, [
    el('h3', {id: 'status-head', class: 'panel-head', text: t('screen.status_title')}),
    counts,
    list
  ]));
}
