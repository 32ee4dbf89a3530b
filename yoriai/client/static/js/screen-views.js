// The projector's board for steps 2–5 and the focus card: built from the board with
// createElement and textContent only. Every piece of user text (titles, notes, names,
// partners…) sits in its own dir="auto" element (ui.js userText).
//
// Sizes are not decided here: each builder marks what must fit ("fit-box") and what may be
// shortened ("fit-list" of "fit-item"), and screen-fit.js picks the size.

import {el, t, userText, icon, kindBadge, idNumber} from './ui.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./ui.js').Note} Note
 * @typedef {Object<string, any>} Item one view of a theme, proposal, action or review
 */

/** 協働のかたち, from 市民 to 行政: the scale the role board draws. */
export const FORMS = ['citizen_only', 'citizen_led', 'partnership', 'city_led', 'city_only'];
const STATUSES = ['not_started', 'under_way', 'done', 'paused'];
const REVIEW_COLUMNS = ['keep', 'change'];
// How many notes the 共感 chart ranks.
const TOP_VOTES = 10;

/**
 * Notes everyone may see, oldest first.
 * @param {Board} board
 * @returns {Array<Note>}
 */
export function visibleNotes(board) {
  return Array.from(board.notes.values()).filter(function (n) { return !n.hidden; });
}

/**
 * @param {Board} board
 * @param {string} kind
 * @returns {Array<Item>}
 */
function items(board, kind) {
  const map = board.collections[kind];
  return map ? Array.from(map.values()) : [];
}

/**
 * The 共感 count of a note, or 0.
 * @param {Board} board
 * @param {string} id
 * @returns {number}
 */
function tally(board, id) {
  const n = board.tallies ? board.tallies[id] : 0;
  return typeof n === 'number' ? n : 0;
}

/**
 * Whether the facilitator is showing the 共感 counts (there is something to show).
 * @param {Board} board
 * @returns {boolean}
 */
export function votesShown(board) {
  return !!board.tallies && Object.keys(board.tallies).some(function (id) {
    return tally(board, id) > 0;
  });
}

/**
 * The shapes (columns × rows) a grid of ``n`` cards may take in a ``width`` × ``height``
 * area, best first: cards about ``aspect`` times as wide as tall, few empty cells.
 * @param {number} n
 * @param {number} width
 * @param {number} height
 * @param {number} aspect
 * @returns {Array<{cols: number, rows: number}>}
 */
export function gridShapes(n, width, height, aspect) {
  const shapes = [];
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.max(1, Math.ceil(n / cols));
    if (cols > 1 && Math.ceil(n / (cols - 1)) === rows) {
      continue; // the same rows with an empty column more
    }
    const ratio = (width / cols) / (height / rows);
    shapes.push({cols: cols, rows: rows,
      score: Math.abs(Math.log(ratio / aspect)) + 0.15 * (cols * rows - n) / cols});
  }
  shapes.sort(function (a, b) { return a.score - b.score; });
  return shapes.map(function (s) { return {cols: s.cols, rows: s.rows}; });
}

/**
 * A grid of cards that takes, at each size the board tries, the best shape in which every
 * card shows all it has (or else the best shape).
 * @param {HTMLElement} area
 * @param {HTMLElement} grid
 * @param {number} aspect
 * @returns {function(number): void}
 */
function shapedGrid(area, grid, aspect) {
  /** @param {{cols: number, rows: number}} shape */
  function use(shape) {
    grid.style.setProperty('--cols', String(shape.cols));
    grid.style.setProperty('--rows', String(shape.rows));
  }
  return function () {
    const rect = area.getBoundingClientRect();
    const shapes = gridShapes(grid.children.length, Math.max(rect.width, 1),
      Math.max(rect.height, 1), aspect).slice(0, 4);
    const fits = shapes.some(function (shape) {
      use(shape);
      return Array.prototype.every.call(grid.children, function (/** @type {Element} */ c) {
        return c.scrollHeight <= c.clientHeight + 1 && c.scrollWidth <= c.clientWidth + 1;
      });
    });
    if (!fits) {
      use(shapes[0]);
    }
  };
}

/**
 * 「7人」: how many people have joined a theme, with a person icon.
 * @param {number} n
 * @returns {HTMLElement}
 */
function members(n) {
  return el('span', {class: 'members'}, [icon('person'),
    el('span', {text: t('screen.members', {n: n})})]);
}

/**
 * A horizontal bar with its number written beside it (never the bar alone).
 * @param {number} value
 * @param {number} max
 * @param {string} words the number in words, e.g. 「12票」
 * @returns {HTMLElement}
 */
function bar(value, max, words) {
  const fill = el('span', {class: 'bar-fill'});
  fill.style.width = (max > 0 ? Math.max(2, Math.round(100 * value / max)) : 0) + '%';
  return el('span', {class: 'bar'}, [
    el('span', {class: 'bar-track', 'aria-hidden': 'true'}, [fill]),
    el('span', {class: 'bar-number', text: words})
  ]);
}

/**
 * A small note line: its kind as icon (and hidden word for readers), then its text.
 * @param {Note} note
 * @param {string} [extra] a class to add
 * @returns {HTMLElement}
 */
function miniNote(note, extra) {
  const item = el('li', {class: 'mini-note fit-item kind-' + note.kind + (extra ? ' ' + extra : ''),
    'data-note-id': note.id});
  item.appendChild(icon(note.kind));
  item.appendChild(el('span', {class: 'visually-hidden', text: t('kind.' + note.kind)}));
  item.appendChild(userText('span', note.text, 'mini-text'));
  return item;
}

/**
 * Notes of one theme, the most 共感 first when counts are shown.
 * @param {Board} board
 * @param {Array<Note>} notes
 * @returns {Array<Note>}
 */
function byVotes(board, notes) {
  return notes.slice().sort(function (a, b) {
    return (tally(board, b.id) - tally(board, a.id)) || (idNumber(a.id) - idNumber(b.id));
  });
}

// --- step 2: 仲間を増やそう ----------------------------------------------------------------

/**
 * Notes grouped by theme, the unsorted aside, and the 共感 chart when counts are shown.
 * @param {HTMLElement} view
 * @param {Board} board
 * @returns {function(number): void} lays the themes out again at each size the board tries
 */
export function companionsView(view, board) {
  view.textContent = '';
  const notes = visibleNotes(board);
  const themes = items(board, 'themes');
  const showVotes = votesShown(board);
  view.classList.toggle('with-votes', showVotes);

  const area = el('section', {class: 'themes-area', 'aria-label': t('screen.themes')});
  const wall = el('div', {class: 'theme-wall'});
  const probe = el('span', {class: 'theme-probe', 'aria-hidden': 'true'});
  /** @type {Array<HTMLElement>} */
  const cards = [];
  /** @type {Array<number>} */
  const weights = [];
  themes.forEach(function (theme) {
    const own = byVotes(board, notes.filter(function (n) { return n.theme === theme.id; }));
    const list = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
    own.forEach(function (n) { list.appendChild(miniNote(n)); });
    cards.push(el('article', {class: 'theme-card fit-box', 'data-trim-at': '6',
      'data-theme-id': theme.id}, [
      el('header', {class: 'card-head'}, [
        userText('h3', theme.title, 'card-title'),
        el('p', {class: 'card-meta'}, [members(theme.member_count || 0),
          el('span', {class: 'count', text: t('board.count', {n: own.length})})])
      ]),
      list
    ]));
    // Roughly the lines a card needs: its notes, and its title and count.
    weights.push(own.reduce(function (sum, n) {
      return sum + 0.6 + Math.ceil(Array.from(n.text).length / 14);
    }, 3));
  });
  if (themes.length) {
    area.appendChild(probe);
    area.appendChild(wall);
  } else {
    area.appendChild(el('p', {class: 'empty', text: t('screen.themes_empty')}));
  }
  view.appendChild(area);

  const known = {};
  themes.forEach(function (th) { known[th.id] = true; });
  const loose = byVotes(board, notes.filter(function (n) { return !n.theme || !known[n.theme]; }));
  const aside = el('aside', {class: 'unsorted panel-box fit-box', 'data-trim-at': '6',
    'aria-labelledby': 'unsorted-head'}, [
    el('h3', {id: 'unsorted-head', class: 'panel-head'}, [
      el('span', {text: t('screen.unsorted')}),
      el('span', {class: 'count', text: t('board.count', {n: loose.length})})
    ])
  ]);
  const looseList = el('ul', {class: 'mini-notes fit-list', 'data-more': 'screen.more'});
  loose.forEach(function (n) { looseList.appendChild(miniNote(n)); });
  aside.appendChild(looseList);
  view.appendChild(aside);

  if (showVotes) {
    view.appendChild(votesPanel(board, notes));
  }

  let laidOut = 0;
  return function () {
    if (!cards.length) {
      return;
    }
    const width = probe.getBoundingClientRect().width || 1;
    const gap = parseFloat(window.getComputedStyle(wall).columnGap) || 0;
    const count = Math.max(1, Math.min(cards.length,
      Math.floor((wall.clientWidth + gap) / (width + gap))));
    if (count !== laidOut) {
      laidOut = count;
      packColumns(wall, cards, weights, count);
    }
  };
}

/**
 * Put cards into ``count`` columns of about equal weight (the heaviest first, each into
 * the lightest column; in their own order within a column). Each card's height is its
 * share of its column, so the columns are filled to the foot with no gaps.
 * @param {HTMLElement} wall
 * @param {Array<HTMLElement>} cards
 * @param {Array<number>} weights
 * @param {number} count
 */
export function packColumns(wall, cards, weights, count) {
  /** @type {Array<Array<number>>} */
  const columns = [];
  const load = [];
  for (let i = 0; i < count; i++) {
    columns.push([]);
    load.push(0);
  }
  cards.map(function (c, i) { return i; })
    .sort(function (a, b) { return weights[b] - weights[a] || a - b; })
    .forEach(function (i) {
      const lightest = load.indexOf(Math.min.apply(null, load));
      columns[lightest].push(i);
      load[lightest] += weights[i];
    });
  // Columns in the order of their first card, so the wall reads left to right.
  columns.sort(function (a, b) { return Math.min.apply(null, a) - Math.min.apply(null, b); });
  wall.textContent = '';
  columns.forEach(function (column) {
    const node = el('div', {class: 'theme-column'});
    column.sort(function (a, b) { return a - b; }).forEach(function (i) {
      cards[i].style.setProperty('--weight', weights[i].toFixed(1));
      node.appendChild(cards[i]);
    });
    wall.appendChild(node);
  });
}

/**
 * The 共感 chart: the notes with the most votes, a bar each, the count written.
 * @param {Board} board
 * @param {Array<Note>} notes
 * @returns {HTMLElement}
 */
function votesPanel(board, notes) {
  const ranked = byVotes(board, notes.filter(function (n) { return tally(board, n.id) > 0; }))
    .slice(0, TOP_VOTES);
  const max = ranked.length ? tally(board, ranked[0].id) : 0;
  const list = el('ol', {id: 'vote-list', class: 'vote-list fit-list', 'data-more': 'screen.more'});
  ranked.forEach(function (note, i) {
    const n = tally(board, note.id);
    const text = el('p', {class: 'vote-note kind-' + note.kind}, [icon(note.kind),
      el('span', {class: 'visually-hidden', text: t('kind.' + note.kind)}),
      userText('span', note.text, 'vote-text')]);
    const row = el('li', {class: 'vote-row fit-item', 'data-note-id': note.id,
      'data-votes': String(n)}, [
      el('span', {class: 'vote-rank', text: String(i + 1)}),
      el('div', {class: 'vote-main'}, [text, bar(n, max, t('screen.votes_n', {n: n}))])
    ]);
    list.appendChild(row);
  });
  return el('section', {id: 'votes-panel', class: 'votes-panel panel-box fit-box',
    'aria-labelledby': 'votes-head'}, [
    el('h3', {id: 'votes-head', class: 'panel-head'}, [icon('heart-hand'),
      el('span', {text: t('screen.votes_title')})]),
    list
  ]);
}

// --- step 3: 地域の活動にしよう ------------------------------------------------------------

/**
 * The proposals as cards, with their theme's title; priority bars when counts are shown.
 * @param {HTMLElement} view
 * @param {Board} board
 * @returns {(function(number): void|undefined)} shapes the grid at each size tried
 */
export function activityView(view, board) {
  view.textContent = '';
  const themes = board.collections.themes || new Map();
  const order = Array.from(themes.keys());
  let proposals = items(board, 'proposals');
  const shown = proposals.some(function (p) { return typeof p.priority_count === 'number'; });
  proposals = proposals.slice().sort(function (a, b) {
    const byCount = shown ? (b.priority_count || 0) - (a.priority_count || 0) : 0;
    return byCount || (order.indexOf(a.theme) - order.indexOf(b.theme));
  });
  if (!proposals.length) {
    view.appendChild(el('p', {class: 'empty', text: t('screen.proposals_empty')}));
    return undefined;
  }
  const max = proposals.reduce(function (m, p) { return Math.max(m, p.priority_count || 0); }, 0);
  const grid = el('div', {class: 'card-grid proposal-grid'});
  proposals.forEach(function (p) {
    const theme = themes.get(p.theme);
    const head = el('header', {class: 'card-head'}, [
      userText('h3', theme ? theme.title : '', 'card-title'),
      el('p', {class: 'card-meta'}, [theme ? members(theme.member_count || 0) : null,
        p.chosen ? el('span', {class: 'chosen-badge'}, [icon('check'),
          el('span', {text: t('screen.chosen')})]) : null])
    ]);
    const card = el('article', {class: 'proposal-card fit-box' + (p.chosen ? ' is-chosen' : ''),
      'data-trim-at': '6', 'data-theme-id': p.theme}, [head]);
    if (typeof p.priority_count === 'number') {
      card.appendChild(el('div', {class: 'priority'}, [
        el('span', {class: 'priority-label', text: t('screen.priority')}),
        bar(p.priority_count, max, t('screen.votes_n', {n: p.priority_count}))
      ]));
    }
    card.appendChild(el('p', {class: 'aim-label', text: t('screen.aim')}));
    card.appendChild(userText('p', p.aim || '', 'aim'));
    const ideas = el('ul', {class: 'ideas fit-list', 'data-more': 'screen.more_items',
      'aria-label': t('screen.ideas')});
    (p.ideas || []).forEach(function (/** @type {string} */ idea) {
      ideas.appendChild(el('li', {class: 'idea fit-item'}, [userText('span', idea, 'idea-text')]));
    });
    card.appendChild(ideas);
    grid.appendChild(card);
  });
  view.appendChild(grid);
  return shapedGrid(view, grid, 1.3);
}

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
  FORMS.forEach(function (f) {
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
  FORMS.forEach(function (f) {
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
  const body = el('tbody', {class: 'fit-list', 'data-more': 'screen.more_items'});
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
  const known = STATUSES.indexOf(status) >= 0 ? status : 'not_started';
  return el('span', {class: 'status-badge status-' + known, 'data-status': known}, [
    icon('status-' + known), el('span', {text: t('status.' + known)})]);
}

/**
 * The review in two columns (広げたい / 見直したい) and where each action stands.
 * @param {HTMLElement} view
 * @param {Board} board
 */
export function futureView(view, board) {
  view.textContent = '';
  const reviews = items(board, 'reviews');
  REVIEW_COLUMNS.forEach(function (column) {
    const own = reviews.filter(function (r) { return r.column === column; });
    const list = el('ul', {id: 'reviews-' + column, class: 'review-list fit-list',
      'data-more': 'screen.more_items'});
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
        el('span', {text: t('review.' + column)}),
        el('span', {class: 'count', text: t('screen.n_items', {n: own.length})})]),
      list
    ]));
  });

  const actions = items(board, 'actions');
  const counts = el('p', {class: 'status-counts'});
  STATUSES.forEach(function (s) {
    const n = actions.filter(function (a) { return a.status === s; }).length;
    if (n) {
      counts.appendChild(el('span', {class: 'status-count', 'data-status': s},
        [statusBadge(s), el('span', {class: 'status-n', text: String(n)})]));
    }
  });
  const list = el('ul', {id: 'status-list', class: 'status-list fit-list',
    'data-more': 'screen.more_items'});
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

// --- the focus card ------------------------------------------------------------------------

/**
 * One note or theme, large over the board; null when there is nothing (left) to show.
 * @param {Board} board
 * @returns {(HTMLElement|null)}
 */
export function focusCard(board) {
  const focus = board.workshop.focus;
  if (!focus || !focus.id) {
    return null;
  }
  const themes = board.collections.themes || new Map();
  if (focus.kind === 'note') {
    const note = board.notes.get(String(focus.id));
    if (!note || note.hidden) {
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
    const own = byVotes(board, visibleNotes(board).filter(function (n) {
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
