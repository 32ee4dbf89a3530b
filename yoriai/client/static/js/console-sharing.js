// 全体共有 (sharing back to the room): the projector shows one table at a time, and the
// facilitator moves it on — 前のテーブル / 次のテーブル — or lets a timer per table do it.
// The server keeps only what the projector shows (set_focus kind "table") and one shared
// countdown (start_timer); moving on when the countdown ends is this console's own doing,
// so the box says so, and it happens only while this page is open with 「時間が来たら次へ」
// ticked. The same box is in the テーブル workspace and in a step's 全体共有 workspace.

import {t, el, byId, timerState} from './page.js';
import {
  board, state, send, button, render, errors, focusKeeper, themes, allNotes, pendingArg
} from './console-core.js';
import {userText} from './ui.js';
import {tableList, tableLabel} from './console-table-board.js';
import {limit} from './vocab.js';

/** The workspace of a step whose view is 全体共有. */
export const SHARING_VIEW = 'sharing';
const MINUTES_DEFAULT = 3;
const MINUTES_MAX = Math.floor(limit('TIMER_MAX_SECS') / 60);
const TICK_MS = 500;

/** The minutes per table, and whether the end of the countdown moves on. */
const plan = {minutes: String(MINUTES_DEFAULT), auto: false};
/** The countdown (its ends_at) this page has seen running, the table on the projector
 * while it ran, and the countdown it moved on from. */
const seen = {running: /** @type {(number|null)} */ (null),
  table: /** @type {(string|null)} */ (null),
  done: /** @type {(number|null)} */ (null)};

/**
 * @returns {number} the place in the list of the table on the projector, or -1 — as it is
 *   about to be: a move not yet answered counts (two quick presses of 次へ go two tables on)
 */
function current() {
  const kind = pendingArg('set_focus', 'kind');
  const focus = kind === undefined ? board.workshop.focus
    : {kind: kind, id: pendingArg('set_focus', 'id')};
  if (!focus || focus.kind !== 'table') {
    return -1;
  }
  return tableList().map(function (tb) { return tb.id; }).indexOf(focus.id);
}

/** @returns {number} the seconds per table as typed (a part of a minute too: 0.5 is half a
 * minute), 0 when it is not a usable number */
function seconds() {
  const n = Number(plan.minutes);
  return n > 0 && n <= MINUTES_MAX ? Math.max(1, Math.round(n * 60)) : 0;
}

/**
 * Show a table on the projector; with the timer on, its countdown starts again.
 * @param {number} index
 */
function show(index) {
  const list = tableList();
  const table = list[index];
  if (!table) {
    return;
  }
  send('set_focus', {kind: 'table', id: table.id}, 'sharing');
  if (plan.auto) {
    const secs = seconds();
    if (secs) {
      send('start_timer', {seconds: secs}, 'sharing');
    }
  }
}

/** Start the countdown for the table on the projector (table 1 first if none is). */
function startTimer() {
  const secs = seconds();
  if (!secs) {
    errors.set('sharing', t('console.sharing.bad_minutes', {max: MINUTES_MAX}));
    focusKeeper.ask('share-minutes');
    render();
    return;
  }
  if (current() < 0) {
    const first = tableList()[0];
    if (!first) {
      return;
    }
    send('set_focus', {kind: 'table', id: first.id}, 'sharing');
  }
  send('start_timer', {seconds: secs}, 'sharing');
}

/** Every tick: when the countdown this page saw running reaches zero, move on once. */
function tick() {
  const timer = board.workshop.timer;
  const ends = timer && typeof timer.ends_at === 'number' ? timer.ends_at : null;
  const now = timerState(board).state;
  if (now === 'running' && ends !== null) {
    seen.running = ends;
    const focus = board.workshop.focus;
    seen.table = focus && focus.kind === 'table' ? focus.id : null;
    return;
  }
  if (!plan.auto || ends === null || ends !== seen.running || seen.done === ends) {
    return;
  }
  if (now !== 'done') {
    return;
  }
  seen.done = ends;
  const at = current();
  // Move on only from the table whose countdown ended. Two consoles with 「時間が来たら次へ」
  // ticked both see the end: the one that hears the other's move first must not move
  // again from there (that would skip a table).
  const ids = tableList().map(function (tb) { return tb.id; });
  if (at < 0 || ids[at] !== seen.table) {
    render();
    return;
  }
  if (at + 1 < ids.length) {
    show(at + 1);
  } else {
    render(); // the last table: the box says so
  }
}

let sig = '';

/** The box, built once, put in whichever workspace is open. */
const box = el('section', {id: 'sharing-box', class: 'tool-box sharing-box',
  'aria-labelledby': 'sharing-title'});

function build() {
  const list = tableList();
  const at = current();
  const table = list[at];
  box.textContent = '';
  const head = el('div', {class: 'sharing-head'}, [
    el('h3', {id: 'sharing-title', class: 'tool-title', text: t('console.sharing.title')}),
    el('p', {class: 'sharing-now', role: 'status'}, [
      table ? t('console.sharing.now', {table: tableLabel(table.id, true), n: at + 1,
        total: list.length}) : t('console.sharing.none')
    ])
  ]);
  box.appendChild(head);
  const minutes = /** @type {HTMLInputElement} */ (el('input', {type: 'number',
    id: 'share-minutes', 'data-fk': 'share-minutes', min: 0, max: MINUTES_MAX, step: 'any',
    inputmode: 'decimal'}));
  minutes.value = plan.minutes;
  minutes.addEventListener('input', function () { plan.minutes = minutes.value; });
  const auto = /** @type {HTMLInputElement} */ (el('input', {type: 'checkbox', id: 'share-auto',
    class: 'check-input', 'data-fk': 'share-auto', 'aria-describedby': 'share-auto-hint'}));
  auto.checked = plan.auto;
  auto.addEventListener('change', function () {
    plan.auto = auto.checked;
    focusKeeper.ask('share-auto');
    render();
  });
  const timerForm = el('form', {class: 'sharing-timer', novalidate: true}, [
    el('label', {for: 'share-minutes', text: t('console.sharing.minutes')}),
    minutes,
    el('button', {type: 'submit', class: 'button secondary small', 'data-fk': 'share-timer',
      text: t('console.sharing.timer')}),
    el('span', {class: 'check'}, [auto,
      el('label', {for: 'share-auto', class: 'check-label', text: t('console.sharing.auto')})])
  ]);
  timerForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    startTimer();
  });
  head.appendChild(el('div', {class: 'actions sharing-moves'}, [
    button(t('console.sharing.prev'), function () {
      focusKeeper.ask(at - 1 <= 0 ? 'share-next' : 'share-prev');
      if (at <= 0) {
        return;
      }
      show(at - 1);
    }, {fk: 'share-prev', disabled: at <= 0}),
    at >= 0 && at + 1 >= list.length
      // The last table: the next thing is the whole room again.
      ? button(t('console.sharing.end'), function () {
        focusKeeper.ask('share-next');
        send('set_focus', {kind: null}, 'sharing');
      }, {fk: 'share-next', kind: 'primary'})
      : button(t(at < 0 ? 'console.sharing.first' : 'console.sharing.next'), function () {
        focusKeeper.ask('share-next');
        show(at + 1);
      }, {fk: 'share-next', kind: 'primary'})
  ]));
  // Any table straight away (a table asked to speak out of turn).
  const jump = el('div', {class: 'sharing-jump', role: 'group',
    'aria-label': t('console.sharing.jump')});
  list.forEach(function (tb, i) {
    jump.appendChild(button(t('console.tables.number', {n: tb.number}), function () {
      focusKeeper.ask('share-to:' + tb.id);
      show(i);
    }, {fk: 'share-to:' + tb.id, pressed: i === at,
      label: t('console.sharing.show', {table: tableLabel(tb.id, true)})}));
  });
  box.appendChild(el('div', {class: 'sharing-row'}, [jump, timerForm]));
  // What the tick does, said where it is switched on (for a screen reader: its description).
  /** @type {HTMLElement} */ (timerForm).appendChild(el('span', {id: 'share-auto-hint',
    class: 'hint' + (plan.auto ? '' : ' visually-hidden'),
    text: t(plan.auto ? (table && at + 1 >= list.length ? 'console.sharing.last'
      : 'console.sharing.auto_on') : 'console.sharing.auto_hint')}));
  box.appendChild(errors.line('sharing'));
}

/** Draw the box where it belongs now (the 全体共有 workspace, else the テーブル one). */
export function drawSharing() {
  const slot = state.view === SHARING_VIEW && byId('sharing-slot')
    ? byId('sharing-slot') : byId('tables-sharing-slot');
  const list = tableList();
  if (box.parentElement !== slot) {
    slot.appendChild(box);
  }
  box.hidden = list.length === 0;
  if (state.view === SHARING_VIEW) {
    drawShownTable();
  }
  const emptyNote = byId('sharing-empty');
  if (emptyNote) {
    emptyNote.hidden = list.length > 0;
  }
  const next = JSON.stringify([list.map(function (tb) { return [tb.id, tb.number, tb.name]; }),
    current(), plan.auto, errors.get('sharing')]);
  // Rebuilt only when it changed; the control that had the focus gets it back (FocusKeeper).
  if (next !== sig) {
    sig = next;
    build();
  }
}

let tableSig = '';

/** In the 全体共有 workspace, what the table on the projector has to share: who sits
 * there, its themes with their notes, and each theme's 計画案 (the facilitator reads along). */
function drawShownTable() {
  const holder = byId('sharing-table');
  const list = tableList();
  const table = list[current()] || null;
  const mine = table ? themes().filter(function (th) { return th.table === table.id; }) : [];
  /** @type {Object<string, number>} */
  const counts = {};
  let notes = 0;
  allNotes().forEach(function (n) {
    if (table && n.table === table.id) {
      notes += 1;
    }
    if (n.theme) {
      counts[n.theme] = (counts[n.theme] || 0) + 1;
    }
  });
  const sig = JSON.stringify([table, notes, mine, mine.map(function (th) {
    return [counts[th.id] || 0, board.collections.proposals.get(th.id) || null];
  })]);
  if (sig === tableSig) {
    return;
  }
  tableSig = sig;
  holder.textContent = '';
  if (!table) {
    return;
  }
  holder.appendChild(el('h3', {class: 'shown-title', text: tableLabel(table.id, true)}));
  const people = (table.seats || []).map(function (/** @type {Object<string, any>} */ p) {
    return String(p.name);
  });
  holder.appendChild(el('p', {class: 'shown-counts', text: t('console.sharing.counts',
    {people: people.length, notes: notes, themes: mine.length})}));
  if (people.length) {
    holder.appendChild(userText('p', people.join('、'), 'shown-people'));
  }
  const ul = el('ul', {class: 'shown-themes'});
  mine.forEach(function (th) {
    const proposal = board.collections.proposals.get(th.id);
    ul.appendChild(el('li', {}, [
      userText('strong', String(th.title)),
      el('span', {class: 'count', text: ' ' + t('board.count', {n: counts[th.id] || 0})}),
      proposal && proposal.aim ? el('p', {class: 'shown-aim'}, [
        el('span', {text: t('console.sharing.aim')}), userText('span', String(proposal.aim))
      ]) : null
    ]));
  });
  holder.appendChild(mine.length ? ul
    : el('p', {class: 'empty', text: t('console.sharing.no_themes')}));
}

/** Start the tick that moves on when a table's time is up. */
export function setupSharing() {
  window.setInterval(tick, TICK_MS);
}
