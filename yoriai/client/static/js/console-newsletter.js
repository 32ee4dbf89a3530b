// The newsletter page on the console (会報のページ, step 5): before exporting, the
// facilitator reads the lead paragraph the page will open with, rewrites it if they like
// (write_lead) or goes back to the one made from the record (write_lead with ""), and gives
// this meeting's hours (set_schedule) and the next meeting (set_next_meeting: 「次回」).
//
// The paragraph made from the record is the server's (facilitation/newsletter.py): it
// changes with every join and decision, which do not resend the workshop header, so it is
// asked for (GET /w/<code>/newsletter) when the editor is drawn and the board has changed,
// never composed here. What the facilitator wrote, the hours and 次回 are in the header
// (workshop.newsletter) and follow the board.
//
// The forms are built once (a redraw never loses what is being typed); a field follows the
// board only while nobody is typing in it. Refusals go to each form's error line (page.js
// Errors, contexts 'news-lead', 'news-hours', 'news-next').

import {t, el, byId} from './page.js';
import {board, conn, send, busy} from './console-core.js';

/**
 * @typedef {Object} NextMeeting
 * @property {string} date
 * @property {string} time
 * @property {string} place
 */
/**
 * @typedef {Object} Newsletter
 * @property {string} lead
 * @property {string} start
 * @property {string} end
 * @property {(NextMeeting|null)} next
 */

/** How soon after a change on the board the paragraph from the record is asked for again:
 * a busy room changes many times a second, and the editor needs it only now and then. */
const REFRESH_MS = 1500;

/** @returns {Newsletter} the page's stored facts, from the workshop header */
function stored() {
  const n = board.workshop.newsletter || {};
  return {
    lead: typeof n.lead === 'string' ? n.lead : '',
    start: typeof n.start === 'string' ? n.start : '',
    end: typeof n.end === 'string' ? n.end : '',
    next: n.next && typeof n.next.date === 'string' ? n.next : null,
  };
}

/**
 * @param {string} id
 * @param {string} type
 * @param {Object<string, any>} [extra]
 * @returns {HTMLInputElement}
 */
function input(id, type, extra) {
  return /** @type {HTMLInputElement} */ (el('input', Object.assign(
    {id: id, type: type, 'data-fk': id, autocomplete: 'off'}, extra || {})));
}

/**
 * @param {string} text
 * @param {string} fk
 * @param {string} [kind]
 * @returns {HTMLButtonElement}
 */
function button(text, fk, kind) {
  return /** @type {HTMLButtonElement} */ (el('button', {
    type: kind === 'submit' ? 'submit' : 'button',
    class: kind === 'submit' ? 'button primary small' : 'button secondary small',
    id: fk, 'data-fk': fk, text: text}));
}

/**
 * @param {string} label
 * @param {HTMLElement} field
 * @returns {HTMLElement}
 */
function labelled(label, field) {
  return el('p', {class: 'news-field'}, [
    el('label', {class: 'field-label', for: field.id, text: label}), field]);
}

/**
 * A field shows the board's value while nobody is typing in it (``seen`` is what it was
 * last given; a value the person changed is theirs until sent).
 * @param {HTMLInputElement|HTMLTextAreaElement} field
 * @param {string} value
 * @param {string} seen
 */
function follow(field, value, seen) {
  if (value !== seen && (field.value === seen || field.value === '')
      && document.activeElement !== field) {
    field.value = value;
  }
}

/** @param {HTMLElement} box the mount element of console.html */
function setup(box) {
  // --- the lead paragraph ---
  const status = el('p', {id: 'news-lead-status', class: 'hint', role: 'status'});
  const lead = /** @type {HTMLTextAreaElement} */ (el('textarea', {
    id: 'news-lead', class: 'user-text news-lead', dir: 'auto', rows: 6,
    'data-fk': 'news-lead'}));
  const saveLead = button(t('console.newsletter.save_lead'), 'news-lead-save', 'submit');
  const reset = button(t('console.newsletter.reset'), 'news-lead-reset');
  const leadForm = el('form', {id: 'news-lead-form', class: 'form news-form', novalidate: true}, [
    el('label', {class: 'field-label', for: 'news-lead', text: t('console.newsletter.lead')}),
    status, lead,
    el('p', {class: 'form-error', role: 'alert', 'data-error-for': 'news-lead'}),
    el('p', {class: 'news-buttons'}, [saveLead, reset]),
  ]);

  // --- this meeting's hours ---
  const start = input('news-start', 'time');
  const end = input('news-end', 'time');
  const saveHours = button(t('console.newsletter.save_hours'), 'news-hours-save', 'submit');
  const hoursForm = el('form', {id: 'news-hours-form', class: 'form news-form', novalidate: true}, [
    el('h3', {text: t('console.newsletter.hours')}),
    el('div', {class: 'news-row'}, [
      labelled(t('console.newsletter.start'), start), labelled(t('console.newsletter.end'), end)]),
    el('p', {class: 'form-error', role: 'alert', 'data-error-for': 'news-hours'}),
    el('p', {class: 'news-buttons'}, [saveHours]),
  ]);

  // --- 次回 ---
  const nextDate = input('news-next-date', 'date');
  const nextTime = input('news-next-time', 'time');
  const nextPlace = input('news-next-place', 'text', {class: 'user-text', dir: 'auto'});
  const saveNext = button(t('console.newsletter.save_next'), 'news-next-save', 'submit');
  const clearNext = button(t('console.newsletter.clear_next'), 'news-next-clear');
  const nextForm = el('form', {id: 'news-next-form', class: 'form news-form', novalidate: true}, [
    el('h3', {text: t('console.newsletter.next')}),
    el('div', {class: 'news-row'}, [
      labelled(t('console.newsletter.next_date'), nextDate),
      labelled(t('console.newsletter.next_time'), nextTime)]),
    labelled(t('console.newsletter.next_place'), nextPlace),
    el('p', {class: 'form-error', role: 'alert', 'data-error-for': 'news-next'}),
    el('p', {class: 'news-buttons'}, [saveNext, clearNext]),
  ]);
  const contact = el('p', {id: 'news-contact', class: 'hint', dir: 'auto'});

  box.replaceChildren(
    el('h3', {id: 'news-title', class: 'news-title', text: t('console.newsletter.title')}),
    el('p', {class: 'hint', text: t('console.newsletter.intro')}),
    leadForm, hoursForm, nextForm, contact);
  box.setAttribute('aria-labelledby', 'news-title');

  let generated = '';  // the paragraph from the record, as the server last gave it
  let seenLead = '';
  let seenStart = '';
  let seenEnd = '';
  let seenNext = {date: '', time: '', place: ''};
  let asked = 0;  // the board's seq the paragraph was last asked for at
  /** @type {(number|null)} */
  let timer = null;

  function draw() {
    const n = stored();
    const shown = n.lead || generated;
    follow(lead, shown, seenLead);
    seenLead = shown;
    status.textContent = n.lead ? t('console.newsletter.edited') : t('console.newsletter.from_record');
    box.setAttribute('data-lead', n.lead ? 'edited' : 'generated');
    reset.disabled = !n.lead || busy('news-lead');
    saveLead.disabled = busy('news-lead');
    follow(start, n.start, seenStart);
    follow(end, n.end, seenEnd);
    seenStart = n.start;
    seenEnd = n.end;
    const next = n.next || {date: '', time: '', place: ''};
    follow(nextDate, next.date, seenNext.date);
    follow(nextTime, next.time, seenNext.time);
    follow(nextPlace, next.place, seenNext.place);
    seenNext = {date: next.date, time: next.time, place: next.place};
    saveHours.disabled = busy('news-hours');
    saveNext.disabled = busy('news-next');
    clearNext.disabled = !n.next || busy('news-next');
    // Asked for only while the editor is on the screen: on the other steps a busy room
    // would otherwise have the console ask all evening for a paragraph nobody reads.
    if (board.seq !== asked && timer === null && box.offsetParent !== null) {
      timer = window.setTimeout(ask, asked === 0 ? 0 : REFRESH_MS);
    }
  }

  /** Ask the server for the paragraph from the record (and the contact line). */
  function ask() {
    asked = board.seq;
    fetch('/w/' + encodeURIComponent(conn.code) + '/newsletter',
      {credentials: 'same-origin', cache: 'no-store'})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.generated_lead === 'string') {
          generated = data.generated_lead;
          contact.textContent = data.contact
            ? t('console.newsletter.contact', {contact: String(data.contact)})
            : t('console.newsletter.contact_none');
          box.setAttribute('data-generated', 'ready');
        }
      })
      .catch(function () { asked = 0; })  // asked again at the next drawing
      .then(function () {
        timer = null;
        draw();
      });
  }

  /**
   * Send a command from one of the forms; the form is drawn again when the answer comes
   * (a refusal changes nothing on the board, so nothing else would enable its button).
   * @param {string} name
   * @param {Object<string, any>} args
   * @param {string} ctx
   * @param {function(): void} [then]
   */
  function submit(name, args, ctx, then) {
    send(name, args, ctx, {
      ok: function () {
        if (then) {
          then();
        }
        draw();
      },
      fail: draw,
    });
    draw();
  }

  leadForm.addEventListener('submit', function (event) {
    event.preventDefault();
    // The paragraph from the record, sent unchanged, stays the generated one (it keeps
    // following the record); anything else is the facilitator's.
    const text = lead.value.trim() === generated.trim() && !stored().lead ? '' : lead.value;
    submit('write_lead', {text: text}, 'news-lead');
  });
  reset.addEventListener('click', function () {
    lead.value = generated;
    submit('write_lead', {text: ''}, 'news-lead', function () { asked = 0; });
  });
  hoursForm.addEventListener('submit', function (event) {
    event.preventDefault();
    submit('set_schedule', {start: start.value, end: end.value}, 'news-hours');
  });
  nextForm.addEventListener('submit', function (event) {
    event.preventDefault();
    submit('set_next_meeting',
      {date: nextDate.value, time: nextTime.value, place: nextPlace.value}, 'news-next');
  });
  clearNext.addEventListener('click', function () {
    submit('set_next_meeting', {date: '', time: '', place: ''}, 'news-next');
  });
  board.listen(draw);
  // Step 5's workspace shown: the editor gets a size (hidden, it has none), so it draws,
  // and asks, at once, even below the fold of a long review.
  let shown = false;
  new ResizeObserver(function () {
    const now = box.offsetParent !== null;
    if (now && !shown) {
      draw();
    }
    shown = now;
  }).observe(box);
  draw();
}

const mount = byId('console-newsletter');
if (mount) {
  setup(mount);
}
