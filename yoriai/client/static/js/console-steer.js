// Steering the room, from one slim bar that stays at the top of the console: the steps of
// the program as a stepper (前へ・次へ, or straight to any step), the shared countdown, the
// lock on the board and 「参加受付」 (the projector's join view); the current step's prompt
// on one line beside the workspace tabs (pressed, it shows all of it); and the meetings of
// a plan that runs over months (次の回をはじめる).

import {t, el, byId, timerState} from './page.js';
import {
  board, state, send, button, render, busy, draftInput, dropDraft, errors, focusKeeper,
  pendingArg
} from './console-core.js';
import {limit, steps, step as stepOf, viewOf} from './vocab.js';
import {SHARING_VIEW} from './console-sharing.js';

const MINUTES_DEFAULT = 5;
// The longest countdown, in the minutes the facilitator types.
const MINUTES_MAX = Math.floor(limit('TIMER_MAX_SECS') / 60);
const TICK_MS = 250;

/**
 * Move the room to a step. Leaving a 全体共有 step gives the projector back to the whole
 * room: the table shown last would otherwise stay large over the next step's board.
 * @param {string} stepId
 */
function goTo(stepId) {
  const focus = board.workshop.focus;
  const leavingSharing = viewOf(board.workshop.step) === SHARING_VIEW &&
    viewOf(stepId) !== SHARING_VIEW && !!focus && focus.kind === 'table';
  send('set_step', {step: stepId}, 'steer');
  if (leavingSharing) {
    send('set_focus', {kind: null}, 'steer');
  }
}

/**
 * Seconds as m:ss.
 * @param {number} seconds
 * @returns {string}
 */
export function clock(seconds) {
  const whole = Math.ceil(Math.max(0, seconds));
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return m + ':' + (s < 10 ? '0' : '') + s;
}

let stepperSig = '';

function drawStepper() {
  const list = steps();
  const current = board.workshop.step;
  const index = list.map(function (s) { return s.id; }).indexOf(current);
  const sig = JSON.stringify([current, busy('steer')]);
  if (sig !== stepperSig) {
    stepperSig = sig;
    const ol = byId('stepper');
    ol.textContent = '';
    list.forEach(function (s, i) {
      const here = s.id === current;
      const b = el('button', {type: 'button', class: 'step-button' + (here ? ' is-current' : '') +
        (i < index ? ' is-done' : ''), 'aria-current': here ? 'step' : null,
      'data-fk': 'step:' + s.id, title: s.program_label + (s.subtitle ? ' — ' + s.subtitle : '')}, [
        el('span', {class: 'step-num', text: String(i + 1)}),
        el('span', {class: 'step-words'}, [
          el('span', {class: 'step-label', text: s.program_label}),
          el('span', {class: 'step-sub', text: s.subtitle})
        ]),
        here ? el('span', {class: 'step-now', text: t('console.step.now')}) : null
      ]);
      b.addEventListener('click', function () {
        if (!here) {
          goTo(s.id);
        }
      });
      ol.appendChild(el('li', {}, [b]));
    });
  }
  const prev = /** @type {HTMLButtonElement} */ (byId('step-prev'));
  const next = /** @type {HTMLButtonElement} */ (byId('step-next'));
  prev.disabled = index <= 0;
  next.disabled = index < 0 || index >= list.length - 1;
  const nextStep = list[index + 1];
  prev.setAttribute('aria-label', t('console.step.prev'));
  prev.title = t('console.step.prev');
  // Short on the bar; the whole of it for a screen reader and as the tooltip.
  next.textContent = t('console.step.next');
  const nextWords = nextStep ? t('console.step.next_to', {step: nextStep.program_label})
    : t('console.step.next');
  next.setAttribute('aria-label', nextWords);
  next.title = nextWords;
  const words = stepOf(current);
  byId('step-now-label').textContent = words && index >= 0
    ? t('console.step.of', {n: index + 1, total: list.length, step: words.label}) : '';
  byId('step-prompt').textContent = words ? words.prompt : '';
}

/**
 * The timer's state as the console names it (page.js timerState: its "done", the few
 * minutes after zero, is the console's "over").
 * @returns {string} none | running | paused | over
 */
function timerNow() {
  const now = timerState(board).state;
  return now === 'done' ? 'over' : now;
}

/** The countdown's figures; called every tick, so it only sets text. */
export function tickTimer() {
  const left = board.timerLeft();
  const now = timerNow();
  const display = byId('timer-display');
  display.textContent = clock(left === null ? 0 : left);
  display.classList.toggle('is-none', now === 'none');
  display.classList.toggle('is-over', now === 'over');
  display.classList.toggle('is-paused', now === 'paused');
  const words = byId('timer-state');
  const text = t('console.timer.' + now);
  if (words.textContent !== text) {
    words.textContent = text;
  }
  const box = byId('timer');
  if (box.getAttribute('data-state') !== now) {
    box.setAttribute('data-state', now);
    drawTimerButtons();
  }
}

function drawTimerButtons() {
  const now = timerNow();
  byId('timer-pause').hidden = now !== 'running';
  byId('timer-resume').hidden = now !== 'paused';
  /** @type {HTMLButtonElement} */ (byId('timer-extend')).disabled = now === 'none';
}

function drawLock() {
  const locked = !!board.workshop.locked;
  const box = byId('lock');
  box.classList.toggle('is-locked', locked);
  byId('lock-state').textContent = t(locked ? 'console.lock.locked' : 'console.lock.open');
  const b = byId('lock-toggle');
  b.textContent = t(locked ? 'console.lock.unlock' : 'console.lock.lock');
  b.setAttribute('aria-pressed', locked ? 'true' : 'false');
  b.className = 'button small ' + (locked ? 'danger' : 'secondary');
  byId('console-bar').classList.toggle('is-locked', locked);
}

/** @returns {boolean} whether the projector shows the join view, as it is about to */
function joinViewShown() {
  const asked = pendingArg('show_join_view', 'shown');
  return asked === undefined ? !!board.workshop.join_view : !!asked;
}

function drawJoinView() {
  const shown = joinViewShown();
  const b = byId('join-view');
  b.setAttribute('aria-pressed', shown ? 'true' : 'false');
  b.classList.toggle('primary', shown);
  b.classList.toggle('secondary', !shown);
}

let meetingsSig = '';

function drawMeetings() {
  const meetings = Array.isArray(board.workshop.meetings) ? board.workshop.meetings : [];
  const current = board.workshop.meeting;
  const confirming = state.open.meeting === 'confirm';
  const sig = JSON.stringify([meetings, current, confirming, errors.get('meeting'),
    busy('meeting')]);
  if (sig === meetingsSig) {
    return;
  }
  meetingsSig = sig;
  const list = byId('meetings');
  list.textContent = '';
  meetings.forEach(function (m) {
    const here = m.number === current;
    list.appendChild(el('li', {class: 'meeting' + (here ? ' is-current' : '')}, [
      el('span', {class: 'meeting-number', text: t('home.meeting', {n: m.number})}),
      el('span', {class: 'meeting-date', text: m.date || t('console.meeting.no_date')}),
      here ? el('span', {class: 'tag', text: t('console.meeting.now')}) : null
    ]));
  });
  const box = byId('meeting-form');
  box.textContent = '';
  const date = draftInput('meeting', 'date', {label: t('console.meeting.date'), type: 'date',
    initial: today(), id: 'meeting-date'});
  const next = (typeof current === 'number' ? current : meetings.length) + 1;
  if (confirming) {
    box.appendChild(el('p', {class: 'confirm-question',
      text: t('console.meeting.confirm', {n: next, date: date.input.value})}));
    box.appendChild(el('div', {class: 'actions'}, [
      button(t('console.meeting.open'), function () {
        const value = /** @type {string} */ (state.drafts.meeting.date);
        delete state.open.meeting;
        send('open_meeting', {date: value}, 'meeting', {ok: function () { dropDraft('meeting'); }});
      }, {kind: 'primary', fk: 'meeting-yes'}),
      button(t('console.cancel'), function () {
        delete state.open.meeting;
        focusKeeper.ask('meeting-start');
        render();
      }, {fk: 'meeting-no'})
    ]));
    if (!focusKeeper.asked) {
      focusKeeper.ask('meeting-yes');
    }
  } else {
    box.appendChild(date.label);
    box.appendChild(date.input);
    box.appendChild(el('div', {class: 'actions'}, [
      button(t('console.meeting.start', {n: next}), function () {
        if (!state.drafts.meeting.date) {
          errors.set('meeting', t('error.bad_date'));
          render();
          return;
        }
        state.open.meeting = 'confirm';
        render();
      }, {fk: 'meeting-start', disabled: busy('meeting')})
    ]));
  }
  box.appendChild(errors.line('meeting'));
}

/** @returns {string} today's date as YYYY-MM-DD, on this laptop's calendar */
function today() {
  const d = new Date();
  const pad = function (/** @type {number} */ n) { return (n < 10 ? '0' : '') + n; };
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

/** Draw everything this module owns. */
export function drawSteer() {
  const step = board.workshop.step;
  if (step && step !== state.seenStep) {
    // The workspace follows the room: a new step opens the tools it needs.
    state.view = viewOf(step);
    state.seenStep = step;
  }
  drawStepper();
  tickTimer();
  drawTimerButtons();
  drawLock();
  drawJoinView();
  drawMeetings();
}

/** Wire the template's fixed controls once. */
export function setupSteer() {
  byId('step-prev').addEventListener('click', function () {
    const list = steps();
    const index = list.map(function (s) { return s.id; }).indexOf(board.workshop.step);
    if (index > 0) {
      goTo(list[index - 1].id);
    }
  });
  byId('step-next').addEventListener('click', function () {
    const list = steps();
    const index = list.map(function (s) { return s.id; }).indexOf(board.workshop.step);
    if (index >= 0 && index < list.length - 1) {
      goTo(list[index + 1].id);
    }
  });
  const minutes = /** @type {HTMLInputElement} */ (byId('timer-minutes'));
  if (!minutes.value) {
    minutes.value = String(MINUTES_DEFAULT);
  }
  byId('timer-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    const n = Number(minutes.value);
    if (!(n > 0) || n > MINUTES_MAX) {
      errors.set('timer', t('console.timer.bad_minutes', {max: MINUTES_MAX}));
      render();
      minutes.focus();
      return;
    }
    send('start_timer', {seconds: Math.round(n * 60)}, 'timer');
  });
  byId('timer-pause').addEventListener('click', function () {
    send('pause_timer', {}, 'timer');
  });
  byId('timer-resume').addEventListener('click', function () {
    send('start_timer', {}, 'timer');
  });
  byId('timer-extend').addEventListener('click', function () {
    send('extend_timer', {}, 'timer');
  });
  byId('lock-toggle').addEventListener('click', function () {
    send('lock_board', {locked: !board.workshop.locked}, 'lock');
  });
  byId('join-view').addEventListener('click', function () {
    send('show_join_view', {shown: !joinViewShown()}, 'join-view');
  });
  // The prompt is one line beside the tabs; pressed, it shows all of it (and folds back).
  const line = byId('step-line');
  line.addEventListener('click', function () {
    const open = line.getAttribute('aria-expanded') !== 'true';
    line.setAttribute('aria-expanded', open ? 'true' : 'false');
  });
  // What stays in view under the bar (the themes to sort into) starts where the bar ends,
  // however tall it is (a narrow window wraps it; 代理入力's banner is part of it).
  const bar = byId('console-bar');
  const measure = function () {
    document.documentElement.style.setProperty('--bar-bottom',
      Math.ceil(bar.getBoundingClientRect().height) + 6 + 'px');
  };
  new ResizeObserver(measure).observe(bar);
  measure();
  // The menu (other screens, downloads, settings) folds away when the work goes on.
  const menu = /** @type {HTMLDetailsElement} */ (byId('console-menu'));
  document.addEventListener('click', function (ev) {
    if (menu.open && !menu.contains(/** @type {Node} */ (ev.target))) {
      menu.open = false;
    }
  });
  menu.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && menu.open) {
      menu.open = false;
      /** @type {HTMLElement} */ (menu.querySelector('summary')).focus();
    }
  });
  window.setInterval(tickTimer, TICK_MS);
}
