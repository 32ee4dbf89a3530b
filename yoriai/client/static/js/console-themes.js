// Step 2 workspace (仲間を増やそう): 共感 settings, and the themes (輪) — each with its
// title, counts and tools (rename, merge, show on the projector, join for the person being
// entered for) — with the notes sorted into them; beside them, a column that stays in view
// with every theme as a target for the selected notes. Moving notes is console-move.js's.

import {t, el, byId, typingIn} from './page.js';
import {userText, idNumber} from './ui.js';
import {
  board, state, send, sendAs, button, keyed, busy, draftInput, dropDraft, render, proxyPerson,
  proxySig, themes, focusButton, inFocus, personName, pendingArg, allNotes, errors, focusKeeper
} from './console-core.js';
import {
  cardSig, sortCard, pendingMoves, pendingNewThemes, dragging, setupMoving, UNSORTED,
  drawSelection, moveSelectionTo, roveChips, selected, themeArgs
} from './console-move.js';
import {limit} from './vocab.js';
import {onBoard, drawTableFilter, boardTable, tableLabel} from './console-table-board.js';

/** @typedef {import('./console-core.js').Item} Item */

const THEME_TITLE_MAX = limit('THEME_TITLE_MAX_CHARS');

/**
 * @param {Item} theme
 * @param {Array<Item>} notes the notes in it
 * @returns {string}
 */
function headSig(theme, notes) {
  const ctx = 'theme:' + theme.id;
  let votes = 0;
  notes.forEach(function (n) { votes += board.tallies[n.id] || 0; });
  return JSON.stringify([theme, notes.length, votes, state.open[ctx] || '',
    errors.get(ctx), busy(ctx), proxySig(), inFocus('theme', theme.id),
    state.open[ctx] === 'merge' ? themes().map(function (th) { return [th.id, th.title]; }) : 0,
    (theme.members || []).map(personName), boardTable() ? '' : tableLabel(theme.table)]);
}

/**
 * The head of a theme's column: its title, counts and tools.
 * @param {Item} theme
 * @param {Array<Item>} notes
 * @returns {HTMLElement}
 */
function themeHead(theme, notes) {
  const ctx = 'theme:' + theme.id;
  const mode = state.open[ctx] || '';
  let votes = 0;
  notes.forEach(function (n) { votes += board.tallies[n.id] || 0; });
  const head = el('div', {class: 'theme-head'});
  if (mode === 'rename') {
    head.appendChild(renameForm(theme));
  } else {
    head.appendChild(userText('h3', String(theme.title), 'theme-title'));
  }
  const table = boardTable() ? '' : tableLabel(theme.table);
  if (table) {
    head.appendChild(el('p', {class: 'theme-table'}, [
      el('span', {class: 'chip-table', text: table}) // every table's themes together
    ]));
  }
  head.appendChild(el('p', {class: 'theme-counts'}, [
    el('span', {text: t('board.count', {n: notes.length})}),
    el('span', {class: 'members-count', text: t('console.theme.members', {n: theme.member_count})}),
    el('span', {text: t('console.theme.votes', {n: votes})})
  ]));
  const members = (theme.members || []).map(personName).filter(Boolean);
  if (members.length) {
    head.appendChild(userText('p', members.join('、'), 'theme-members'));
  }
  if (mode === 'merge') {
    head.appendChild(mergeForm(theme));
  } else if (mode === 'delete') {
    head.appendChild(el('div', {class: 'confirm'}, [
      el('p', {class: 'confirm-question', text: t('console.theme.delete_confirm')}),
      el('div', {class: 'actions'}, [
        button(t('console.theme.delete'), function () {
          delete state.open[ctx];
          send('delete_theme', {theme_id: theme.id}, ctx);
        }, {kind: 'danger', fk: 'delete-yes:' + theme.id}),
        button(t('note.cancel'), function () {
          delete state.open[ctx];
          focusKeeper.ask('delete:' + theme.id);
          render();
        }, {fk: 'delete-no:' + theme.id})
      ])
    ]));
  } else if (mode !== 'rename') {
    /** @param {string} what */
    const opener = function (what) {
      return function () {
        state.open[ctx] = what;
        errors.clear(ctx);
        focusKeeper.ask(what + '-first:' + theme.id);
        render();
      };
    };
    head.appendChild(el('div', {class: 'actions theme-tools'}, [
      button(t('console.theme.rename'), opener('rename'), {fk: 'rename:' + theme.id}),
      themes().length > 1 ? button(t('console.theme.merge'), opener('merge'),
        {fk: 'merge:' + theme.id}) : null,
      notes.length === 0 ? button(t('console.theme.delete'), opener('delete'),
        {fk: 'delete:' + theme.id}) : null,
      focusButton('theme', theme.id, ctx)
    ]));
  }
  const person = proxyPerson();
  if (person) {
    const member = (theme.members || []).indexOf(person.id) >= 0;
    head.appendChild(el('div', {class: 'actions proxy-actions'}, [
      el('span', {class: 'proxy-who', text: t('console.proxy.for', {name: person.name})}),
      member
        ? button(t('console.theme.leave'), function () {
          sendAs('leave_theme', {theme_id: theme.id}, ctx);
        }, {fk: 'leave:' + theme.id})
        : button(t('console.theme.join'), function () {
          sendAs('join_theme', {theme_id: theme.id}, ctx);
        }, {kind: 'proxy', fk: 'join:' + theme.id})
    ]));
  }
  head.appendChild(errors.line(ctx));
  return head;
}

/**
 * @param {Item} theme
 * @returns {HTMLElement}
 */
function renameForm(theme) {
  const ctx = 'theme:' + theme.id;
  const title = draftInput(ctx, 'title', {label: t('console.theme.name'), initial: theme.title,
    maxlength: THEME_TITLE_MAX + 10, id: 'rename-first:' + theme.id});
  const form = el('form', {class: 'form rename-form', novalidate: true}, [
    title.label, title.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small', text: t('note.save')}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        dropDraft(ctx);
        focusKeeper.ask('rename:' + theme.id);
        render();
      })
    ])
  ]);
  title.input.addEventListener('keydown', function (ev) {
    if (/** @type {KeyboardEvent} */ (ev).key === 'Escape') {
      delete state.open[ctx];
      dropDraft(ctx);
      focusKeeper.ask('rename:' + theme.id);
      render();
    }
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = String(state.drafts[ctx].title || '').trim();
    if (!value) {
      errors.set(ctx, t('error.empty_theme'));
      render();
      return;
    }
    send('rename_theme', {theme_id: theme.id, title: value}, ctx, {ok: function () {
      delete state.open[ctx];
      dropDraft(ctx);
    }});
    focusKeeper.ask('rename:' + theme.id);
  });
  return form;
}

/**
 * @param {Item} theme
 * @returns {HTMLElement}
 */
function mergeForm(theme) {
  const ctx = 'theme:' + theme.id;
  const others = themes().filter(function (th) { return th.id !== theme.id; });
  const id = 'merge-first:' + theme.id;
  const select = /** @type {HTMLSelectElement} */ (el('select', {id: id, 'data-fk': id}));
  others.forEach(function (th) {
    select.appendChild(el('option', {value: th.id, dir: 'auto', text: th.title}));
  });
  const form = el('form', {class: 'form merge-form', novalidate: true}, [
    el('label', {class: 'field-label', for: id, text: t('console.theme.merge_into')}),
    select,
    el('p', {class: 'hint', text: t('console.theme.merge_hint')}),
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small',
        text: t('console.theme.merge_do')}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        focusKeeper.ask('merge:' + theme.id);
        render();
      })
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!select.value) {
      return;
    }
    delete state.open[ctx];
    focusKeeper.ask('merge:' + select.value);
    send('merge_themes', {source: theme.id, target: select.value}, ctx);
  });
  return form;
}

/** Vote settings: the budget, several per note, tallies shown to everyone. */
function drawVoteSettings() {
  const s = board.workshop.settings || {};
  /** @param {string} key @returns {*} the setting, as it is about to be */
  const value = function (key) {
    const asked = pendingArg('set_vote_settings', key);
    return asked === undefined ? s[key] : asked;
  };
  /** @type {HTMLSelectElement} */ (byId('vote-budget')).value =
    String(value('vote_budget') || limit('DEFAULT_VOTE_BUDGET'));
  /** @type {HTMLInputElement} */ (byId('multi-vote')).checked = !!value('multi_vote');
  /** @type {HTMLInputElement} */ (byId('votes-visible')).checked = !!value('votes_visible');
}

/**
 * @param {HTMLElement} list
 * @param {Array<Item>} notes
 * @param {Object<string, boolean>} moving
 */
function fillCards(list, notes, moving) {
  keyed(list, notes, function (n) { return n.id; },
    function (n) { return cardSig(n, !!moving[n.id]); },
    function (n) { return sortCard(n, !!moving[n.id]); });
}

/** Draw the themes workspace. */
export function drawThemes() {
  drawVoteSettings();
  drawTableFilter(byId('themes-table-filter'), 'themes');
  if (dragging()) {
    return; // not under a moving finger; drawn at the drop
  }
  const moves = pendingMoves();
  const making = pendingNewThemes();
  /** @type {Object<string, Array<Item>>} */
  const byTheme = {};
  // One table's board when one is open (console-tables.js), else every note.
  const all = allNotes().filter(onBoard).sort(function (a, b) {
    return idNumber(a.id) - idNumber(b.id);
  });
  /** @type {Object<string, boolean>} */
  const moving = {};
  all.forEach(function (note) {
    let where = note.theme || UNSORTED;
    if (Object.prototype.hasOwnProperty.call(moves, note.id)) {
      where = moves[note.id] || UNSORTED;
      moving[note.id] = true;
    }
    if (making[note.id]) {
      moving[note.id] = true;
    }
    if (where !== UNSORTED && !board.collections.themes.has(where)) {
      where = UNSORTED;
    }
    (byTheme[where] || (byTheme[where] = [])).push(note);
  });
  const unsorted = byTheme[UNSORTED] || [];
  fillCards(byId('unsorted-list'), unsorted, moving);
  roveChips(byId('unsorted-list'), 'unsorted-list');
  byId('unsorted-count').textContent = t('board.count', {n: unsorted.length});
  byId('unsorted-empty').hidden = unsorted.length > 0;

  const cols = byId('theme-cols');
  // The open table's themes, and any other theme one of its notes was put in.
  const list = themes().filter(function (th) {
    return onBoard(th) || (byTheme[th.id] || []).length > 0;
  });
  keyed(cols, list, function (th) { return th.id; }, function (th) { return th.id; },
    function (th) {
      return el('section', {class: 'sort-col theme-col', 'data-drop': th.id,
        'aria-label': th.title}, [
        el('div', {class: 'theme-head-slot'}),
        el('ul', {class: 'notes sort-notes chips', 'data-list': 'theme:' + th.id,
          'aria-label': th.title}),
        el('p', {class: 'drop-hint', text: t('console.theme.drop_here')})
      ]);
    });
  list.forEach(function (theme) {
    const section = /** @type {(HTMLElement|null)} */ (cols.querySelector(
      '[data-key="' + theme.id + '"]'));
    if (!section) {
      return;
    }
    section.setAttribute('aria-label', theme.title);
    const notes = byTheme[theme.id] || [];
    const slot = /** @type {HTMLElement} */ (section.querySelector('.theme-head-slot'));
    const sig = headSig(theme, notes);
    if (slot.getAttribute('data-sig') !== sig && !typingIn(slot)) {
      slot.textContent = '';
      slot.appendChild(themeHead(theme, notes));
      slot.setAttribute('data-sig', sig);
    }
    section.classList.toggle('is-focused', inFocus('theme', theme.id));
    const chips = /** @type {HTMLElement} */ (section.querySelector('.sort-notes'));
    chips.setAttribute('aria-label', theme.title);
    fillCards(chips, notes, moving);
    roveChips(chips, 'theme:' + theme.id);
    /** @type {HTMLElement} */ (section.querySelector('.drop-hint')).hidden = notes.length > 0;
  });
  byId('themes-empty').hidden = list.length > 0;
  drawTargets(list, byTheme);
  drawSelection();
}

/**
 * The column that stays in view: every theme as one button, a target for the selected
 * notes (a press puts them in) and for a dragged chip; without a selection, a press shows
 * the theme's own column.
 * @param {Array<Item>} list the themes
 * @param {Object<string, Array<Item>>} byTheme their notes
 */
function drawTargets(list, byTheme) {
  const some = selected().length > 0;
  keyed(byId('theme-targets'), list, function (th) { return th.id; },
    function (th) {
      return JSON.stringify([th.title, (byTheme[th.id] || []).length, some]);
    },
    function (th) {
      const count = (byTheme[th.id] || []).length;
      const b = el('button', {type: 'button', class: 'theme-target', 'data-drop': th.id,
        'data-fk': 'target:' + th.id,
        'aria-label': some ? t('console.sort.target_label', {title: th.title}) : null}, [
        el('span', {class: 'target-arrow', 'aria-hidden': 'true', text: some ? '→' : ''}),
        userText('span', String(th.title), 'target-title'),
        el('span', {class: 'target-count', text: t('board.count', {n: count})})
      ]);
      b.addEventListener('click', function () {
        if (!moveSelectionTo(th.id)) {
          const col = byId('theme-cols').querySelector('[data-key="' + th.id + '"]');
          if (col) {
            col.scrollIntoView({block: 'start', behavior: 'smooth'});
          }
        }
      });
      return el('li', {}, [b]);
    });
}

/** Wire the template's fixed controls once. */
export function setupThemes() {
  setupMoving();
  const title = /** @type {HTMLInputElement} */ (byId('new-theme-title'));
  byId('new-theme-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = title.value.trim();
    if (!value) {
      errors.set('new-theme', t('error.empty_theme'));
      render();
      title.focus();
      return;
    }
    send('create_theme', themeArgs(value), 'new-theme', {fail: function () {
      if (!title.value) {
        title.value = value;
      }
    }});
    title.value = '';
  });

  const budget = /** @type {HTMLSelectElement} */ (byId('vote-budget'));
  budget.addEventListener('change', function () {
    send('set_vote_settings', {vote_budget: Number(budget.value)}, 'votes');
  });
  const multi = /** @type {HTMLInputElement} */ (byId('multi-vote'));
  multi.addEventListener('change', function () {
    send('set_vote_settings', {multi_vote: multi.checked}, 'votes');
  });
  const visible = /** @type {HTMLInputElement} */ (byId('votes-visible'));
  visible.addEventListener('change', function () {
    send('set_vote_settings', {votes_visible: visible.checked}, 'votes');
  });
}
