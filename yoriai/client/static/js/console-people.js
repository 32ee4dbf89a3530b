// Who is in the room: the participants with their attribute, つむぎすと granted or taken
// back, and 代理入力 — register someone without a phone and enter for them (their notes,
// 共感, themes, やります), in a mode the banner makes impossible to miss. And what the
// projector shows large (focus), with the way to clear it.

import {t, el, userText, charCount} from './ui.js';
import {
  board, state, send, button, errorLine, keyed, busy, render, proxyPerson, themeTitle,
  ATTRIBUTES
} from './console-core.js';

/** @typedef {import('./console-core.js').Item} Item */

const NAME_MAX = 20;

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * Start (or stop, with null) entering for a person without a phone.
 * @param {(string|null)} pid
 */
export function enterFor(pid) {
  state.proxy = pid;
  render();
}

/**
 * @param {Item} person
 * @returns {string}
 */
function personSig(person) {
  const ctx = 'person:' + person.id;
  return JSON.stringify([person, state.proxy === person.id, state.errors[ctx] || '', busy(ctx)]);
}

/**
 * @param {Item} person
 * @returns {HTMLElement}
 */
function personRow(person) {
  const ctx = 'person:' + person.id;
  const tags = el('span', {class: 'person-tags'});
  if (person.proxy) {
    tags.appendChild(el('span', {class: 'tag tag-proxy', text: t('console.person.proxy')}));
  }
  if (person.cofacilitator) {
    tags.appendChild(el('span', {class: 'tag tag-cofac', text: t('console.person.cofac')}));
  }
  const entering = state.proxy === person.id;
  const row = el('li', {class: 'person' + (entering ? ' is-entering' : '')}, [
    el('div', {class: 'person-line'}, [
      userText('span', String(person.name), 'person-name'),
      el('span', {class: 'person-attribute', text: person.attribute}),
      tags
    ])
  ]);
  const tools = el('div', {class: 'actions'});
  if (person.proxy) {
    tools.appendChild(button(t(entering ? 'console.proxy.stop' : 'console.proxy.start'),
      function () {
        enterFor(entering ? null : person.id);
        state.focusNext = 'enter:' + person.id;
      }, {kind: entering ? 'secondary' : 'proxy', fk: 'enter:' + person.id, pressed: entering,
        label: t(entering ? 'console.proxy.stop' : 'console.proxy.start_label',
          {name: person.name})}));
  } else {
    const cofac = !!person.cofacilitator;
    tools.appendChild(button(t(cofac ? 'console.cofac.revoke' : 'console.cofac.grant'),
      function () {
        send(cofac ? 'revoke_cofacilitator' : 'grant_cofacilitator',
          {participant_id: person.id}, ctx);
      }, {fk: 'cofac:' + person.id, disabled: busy(ctx),
        label: t(cofac ? 'console.cofac.revoke_label' : 'console.cofac.grant_label',
          {name: person.name})}));
  }
  row.appendChild(tools);
  row.appendChild(errorLine(ctx));
  return row;
}

/** The banner of 代理入力 mode, above every workspace. */
function drawBanner() {
  const person = proxyPerson();
  if (state.proxy && !person && board.ready && board.participants.size) {
    state.proxy = null; // the person is gone (another laptop's archive, say)
  }
  const banner = byId('proxy-banner');
  banner.hidden = !person;
  document.body.classList.toggle('proxy-mode', !!person);
  if (person) {
    byId('proxy-banner-text').textContent = t('console.proxy.banner',
      {name: person.name, attribute: person.attribute});
  }
}

let focusSig = '';

/** What the projector shows large, and the way to stop. */
function drawFocus() {
  const focus = board.workshop.focus || null;
  const sig = JSON.stringify([focus, focus && focus.kind === 'note'
    ? (board.notes.get(focus.id) || {}).text : '', focus && focus.kind === 'theme'
    ? themeTitle(focus.id) : '', state.errors.focus || '']);
  if (sig === focusSig) {
    return;
  }
  focusSig = sig;
  const box = byId('focus-now');
  box.textContent = '';
  if (!focus) {
    box.appendChild(el('p', {class: 'empty', text: t('console.focus.none')}));
  } else {
    const what = focus.kind === 'note' ? String((board.notes.get(focus.id) || {}).text || '')
      : themeTitle(focus.id);
    box.appendChild(el('p', {class: 'focus-kind',
      text: t(focus.kind === 'note' ? 'console.focus.note' : 'console.focus.theme')}));
    box.appendChild(userText('p', what, 'focus-text'));
    box.appendChild(el('div', {class: 'actions'}, [
      button(t('console.focus.clear'), function () {
        send('set_focus', {kind: null}, 'focus');
      }, {fk: 'focus-clear'})
    ]));
  }
  box.appendChild(errorLine('focus'));
}

/** Draw the people panel. */
export function drawPeople() {
  drawBanner();
  const people = Array.from(board.participants.values());
  keyed(byId('people'), people, function (p) { return p.id; }, personSig, personRow);
  byId('participant-count').textContent = t('screen.participants', {n: board.participantCount});
  let proxies = 0;
  people.forEach(function (p) {
    if (p.proxy) {
      proxies += 1;
    }
  });
  byId('proxy-count').textContent = proxies ? t('console.proxy.count', {n: proxies}) : '';
  byId('people-empty').hidden = people.length > 0;
  byId('add-proxy-error').textContent = state.errors['add-proxy'] || '';
  drawFocus();
}

/** Wire the template's fixed controls once. */
export function setupPeople() {
  const select = /** @type {HTMLSelectElement} */ (byId('proxy-attribute'));
  ATTRIBUTES.forEach(function (a) {
    select.appendChild(el('option', {value: a, text: a}));
  });
  const form = /** @type {HTMLFormElement} */ (byId('add-proxy-form'));
  const name = /** @type {HTMLInputElement} */ (byId('proxy-name'));
  const show = /** @type {HTMLInputElement} */ (byId('proxy-show-name'));
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const value = name.value.trim();
    let problem = '';
    if (!value) {
      problem = t('error.empty_name');
    } else if (charCount(value) > NAME_MAX) {
      problem = t('error.name_too_long', {max: NAME_MAX});
    } else if (!select.value) {
      problem = t('console.proxy.choose_attribute');
    }
    if (problem) {
      state.errors['add-proxy'] = problem;
      render();
      (value ? select : name).focus();
      return;
    }
    const attribute = select.value;
    send('add_proxy', {name: value, attribute: attribute, show_name: show.checked},
      'add-proxy', {ok: function (result) {
        // Registered to be entered for: start at once.
        if (result.participant_id) {
          state.proxy = result.participant_id;
        }
      }, fail: function () {
        if (!name.value) {
          name.value = value;
          select.value = attribute;
        }
      }});
    name.value = '';
    show.checked = false;
    select.value = '';
  });
  byId('proxy-end').addEventListener('click', function () {
    const was = state.proxy;
    enterFor(null);
    if (was) {
      state.focusNext = 'enter:' + was;
    }
  });
}
