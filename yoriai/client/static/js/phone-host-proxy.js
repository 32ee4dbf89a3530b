// 代理入力 at a table: a table host writes for the people at their table without a phone
// (a proxy): their note (post_note with proxy_for) and, while the step opens them, their 共感
// (cast_vote / retract_vote) and 輪 (join_theme / leave_theme). One of the three tasks of
// 「テーブルの進行」 (phone-host.js, which draws the section and hands this module the
// table's proxies). What each proxy already gave comes from their seat in the host's table
// view, as the server patches it: nothing is kept here but what is on its way.
//
// In a map step with a map the note form starts with the map, as a participant's does
// (phone-map-form.js): the host taps where the person points on the paper map.

import {t, el, byId} from './page.js';
import {noteCard, reconcile, idNumber, userText} from './ui.js';
import {
  phone, pend, isLocked, items, send, refuse, sendButton, sendingLine,
  checkedValue, checkValue, showLeft, cached, mark, themeLine, sayDone
} from './phone-kit.js';
import {hostOf, noteOwner, themeOwner} from './phone-tables.js';
import {limit, step as stepOf} from './vocab.js';
import {MapSlot, placesOf} from './phone-map-form.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 * @typedef {import('./phone-host.js').Seat} Seat
 */

/** The person being written for (代理入力). @type {(string|null)} */
let proxyFor = null;
/** The proxy's note just sent, until its ack says 「貼りました ✓」. @type {(string|null)} */
let proxySent = null;
/** The step 代理入力 was last drawn for (what it opens to participants). */
let stepNow = '';

const proxyForm = /** @type {HTMLFormElement} */ (byId('host-proxy-form'));
const proxyText = /** @type {HTMLTextAreaElement} */ (byId('host-proxy-text'));
const proxyDone = byId('host-proxy-done');
const proxySubmit = /** @type {HTMLButtonElement} */ (byId('host-proxy-submit'));
/** The map at the top of the form in a map step, and 「場所を選ばずに貼る」. */
const proxyMap = new MapSlot(proxyForm, byId('host-proxy-map'), proxySubmit,
  'host.proxy_post', 'host-proxy', 'host-proxy-noplace', function () { postProxy(null); });

proxyText.addEventListener('input', function () {
  proxyDone.textContent = '';
  showLeft(proxyText, byId('host-proxy-count'), limit('NOTE_MAX_CHARS'));
});
showLeft(proxyText, byId('host-proxy-count'), limit('NOTE_MAX_CHARS'));

proxyForm.addEventListener('submit', function (ev) {
  ev.preventDefault();
  if (proxyFor && proxyMap.placed()) {
    postProxy(proxyMap.active() ? proxyMap.take() : null);
  }
});
proxyForm.addEventListener('change', function () {
  if (proxyMap.active()) {
    phone.render(); // the pin takes the shape and colour of the kind chosen
  }
});

/**
 * Send the note written for the person, with its place on the map or without.
 * @param {(import('./phone-map.js').Pin|null)} pin
 */
function postProxy(pin) {
  const kind = checkedValue(proxyForm, 'kind');
  if (!proxyFor) {
    return;
  }
  if (!kind) {
    refuse('host-proxy', t('error.bad_note_kind'));
    return;
  }
  if (!proxyText.value.trim()) {
    proxyText.focus();
    refuse('host-proxy', t('error.empty_note'));
    return;
  }
  phone.errors.clear('host-proxy');
  /** @type {Object<string, any>} */
  const args = {kind: kind, text: proxyText.value, proxy_for: proxyFor};
  if (pin) {
    args.pin = {x: pin.x, y: pin.y};
  }
  const cmd = phone.conn.command('post_note', args, 'host-proxy');
  proxyMap.forget(); // the next note is placed afresh
  proxySent = cmd.id;
  proxyDone.textContent = '';
  proxyText.value = '';
  checkValue(proxyForm, 'kind', ''); // the next note chooses its kind again
  showLeft(proxyText, byId('host-proxy-count'), limit('NOTE_MAX_CHARS'));
  phone.render();
}

/**
 * Draw 代理入力 for the people at the host's table without a phone.
 * @param {Array<Seat>} people the table's seats with ``proxy`` true
 * @param {string} step the room's step now (what it opens to participants)
 */
export function drawProxy(people, step) {
  stepNow = step;
  if (proxyFor && !people.some(function (p) { return p.id === proxyFor; })) {
    proxyFor = null; // moved to another table, or removed
  }
  byId('host-proxy-empty').hidden = people.length > 0;
  const list = byId('host-people');
  reconcile(list, people, function (p) { return p.id; }, function (p, before) {
    const on = proxyFor === p.id;
    return cached(before, JSON.stringify([p.name, on]), function () {
      const b = el('button', {type: 'button', class: 'button secondary person-pick',
        'aria-pressed': on ? 'true' : 'false', 'data-fk': 'person'});
      b.appendChild(userText('span', t('host.proxy_person', {name: p.name})));
      b.addEventListener('click', function () {
        proxyFor = on ? null : p.id;
        proxyMap.forget(); // a place is chosen for one person's note
        proxyDone.textContent = '';
        phone.errors.clear('host-proxy');
        if (proxyFor) {
          phone.focus.ask('kind');
        }
        phone.render();
      });
      return b;
    });
  });
  const person = people.filter(function (p) { return p.id === proxyFor; })[0];
  proxyForm.hidden = !person;
  if (person) {
    setWords(byId('host-proxy-title'), t('host.proxy_title', {name: person.name}));
  }
  proxySubmit.disabled = isLocked();
  if (person) {
    // The person's notes already placed show faint under the new pin (a host has the
    // authors of their table's notes).
    proxyMap.draw(placesOf(Array.from(phone.board.notes.values()).filter(function (n) {
      return /** @type {Object<string, any>} */ (n).author === person.id;
    })));
  }
  drawProxyVotes(person);
  drawProxyThemes(person);
}

/**
 * @param {HTMLElement} node
 * @param {string} words
 */
function setWords(node, words) {
  if (node.textContent !== words) {
    node.textContent = words;
  }
}

/**
 * @param {string} name a command name
 * @returns {boolean} whether the room's step opens it to participants
 */
function opens(name) {
  const s = stepOf(stepNow);
  return !!s && s.opens.indexOf(name) >= 0;
}

/**
 * What a proxy gave, as the server says in their seat (the host's table view carries it,
 * patched as it changes, whoever entered it: this phone, another, the facilitator).
 * @param {Seat} p
 * @returns {Object<string, number>}
 */
function proxyVotes(p) {
  return p.votes && typeof p.votes === 'object' ? p.votes : {};
}

/**
 * @param {Seat} p
 * @param {string} theme
 * @returns {boolean} whether the proxy is in that 輪 (their seat says)
 */
function proxyIn(p, theme) {
  return Array.isArray(p.themes) && p.themes.indexOf(theme) >= 0;
}

/**
 * The notes a proxy at the table may be given 共感 on: those the server lets this phone
 * vote on (``votable``: the same table, the same room), of the host's table first, then
 * the room's (never another table's: they vote at their own table).
 * @returns {Array<Note>}
 */
function proxyVoteNotes() {
  const id = hostOf();
  const notes = Array.from(phone.board.notes.values()).filter(function (n) {
    const owner = noteOwner(n);
    return !!n.votable && !n.hidden && (owner === id || !owner);
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
  return notes.filter(function (n) { return noteOwner(n) === id; }).concat(
    notes.filter(function (n) { return !noteOwner(n); }));
}

/**
 * The chosen person's 共感, while the step opens 共感.
 * @param {(Seat|undefined)} person
 */
function drawProxyVotes(person) {
  const on = !!person && opens('cast_vote');
  byId('host-proxy-votes').hidden = !on;
  if (!person || !on) {
    return;
  }
  setWords(byId('host-proxy-votes-title'), t('host.proxy_votes_title', {name: person.name}));
  const left = byId('host-proxy-votes-left');
  left.hidden = typeof person.votes_left !== 'number';
  if (typeof person.votes_left === 'number') {
    setWords(left, t('vote.left', {n: Math.max(0, person.votes_left)}));
  }
  const notes = proxyVoteNotes();
  byId('host-proxy-votes-empty').hidden = notes.length > 0;
  const given = proxyVotes(person);
  reconcile(byId('host-proxy-vote-list'), notes, function (n) { return n.id; },
    function (note, before) {
      const ctx = 'host-pv:' + person.id + ':' + note.id;
      const n = given[note.id] || 0;
      const busy = !!pend[ctx];
      const sig = JSON.stringify([note, person.name, n, busy, isLocked(),
        phone.errors.get(ctx)]);
      return cached(before, sig, function () {
        const card = noteCard(note, []);
        card.classList.add('vote-card');
        card.classList.toggle('is-chosen', n > 0);
        const buttons = [];
        if (n > 0) {
          card.appendChild(mark('check', t('host.proxy_voted', {name: person.name}),
            'chosen-mark'));
          buttons.push(sendButton(t('vote.retract'), 'secondary', 'retract', busy, function () {
            send('retract_vote', {note_id: note.id, proxy_for: person.id}, ctx);
          }));
        } else {
          buttons.push(sendButton(t('host.proxy_vote', {name: person.name}),
            'primary wide-button', 'cast', busy, function () {
              send('cast_vote', {note_id: note.id, proxy_for: person.id}, ctx);
            }));
        }
        card.appendChild(el('div', {class: 'actions'}, buttons));
        if (busy) {
          card.appendChild(sendingLine());
        }
        card.appendChild(phone.errors.line(ctx));
        return card;
      });
    });
}

/**
 * The chosen person's 輪, while the step opens joining one: the table's themes, then the
 * room's.
 * @param {(Seat|undefined)} person
 */
function drawProxyThemes(person) {
  const on = !!person && opens('join_theme');
  byId('host-proxy-themes').hidden = !on;
  if (!person || !on) {
    return;
  }
  setWords(byId('host-proxy-themes-title'), t('host.proxy_themes_title', {name: person.name}));
  const id = hostOf();
  const all = Array.from(items('themes').values());
  const themes = all.filter(function (th) { return themeOwner(th) === id; }).concat(
    all.filter(function (th) { return !themeOwner(th); }));
  byId('host-proxy-themes-empty').hidden = themes.length > 0;
  reconcile(byId('host-proxy-theme-list'), themes, function (th) { return String(th.id); },
    function (theme, before) {
      const tid = String(theme.id);
      const ctx = 'host-pt:' + person.id + ':' + tid;
      const joined = proxyIn(person, tid);
      const busy = !!pend[ctx];
      const sig = JSON.stringify([theme.title, person.name, joined, busy, isLocked(),
        phone.errors.get(ctx)]);
      return cached(before, sig, function () {
        const card = el('li', {class: 'card theme-card'});
        card.classList.toggle('is-chosen', joined);
        card.appendChild(themeLine(String(theme.title)));
        if (joined) {
          card.appendChild(mark('check', t('host.proxy_joined', {name: person.name}),
            'chosen-mark'));
          card.appendChild(el('div', {class: 'actions'}, [
            sendButton(t('theme.leave'), 'secondary', 'leave', busy, function () {
              send('leave_theme', {theme_id: tid, proxy_for: person.id}, ctx);
            })]));
        } else {
          card.appendChild(el('div', {class: 'actions'}, [
            sendButton(t('host.proxy_join', {name: person.name}), 'primary wide-button',
              'join', busy, function () {
                send('join_theme', {theme_id: tid, proxy_for: person.id}, ctx);
              })]));
        }
        if (busy) {
          card.appendChild(sendingLine());
        }
        card.appendChild(phone.errors.line(ctx));
        return card;
      });
    });
}

/**
 * A command of the host's was answered: the proxy's note is on the board.
 * @param {Command} cmd
 */
export function proxyAcked(cmd) {
  if (cmd.id === proxySent) {
    proxySent = null;
    sayDone(proxyDone, proxyText, t('note.posted'));
  }
}

/**
 * A command of the host's was refused: the proxy's words come back to be fixed.
 * @param {Command} cmd
 */
export function proxyRefused(cmd) {
  if (cmd.id === proxySent) {
    proxySent = null;
    if (!proxyText.value && typeof cmd.args.text === 'string') {
      proxyText.value = cmd.args.text;
      checkValue(proxyForm, 'kind', String(cmd.args.kind));
      proxyMap.restore(cmd.args.pin);
    }
  }
}

/** The room moved on: the 「貼りました ✓」 of the last step goes. */
export function proxyStepChanged() {
  proxyDone.textContent = '';
  proxyMap.forget();
}
