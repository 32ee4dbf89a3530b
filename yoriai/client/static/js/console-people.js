// Who is in the room: the participants with their attribute, つむぎすと granted or taken
// back, and 代理入力 — register someone without a phone and enter for them (their notes,
// 共感, themes, やります), in a mode the banner makes impossible to miss. Removing someone
// who should not be there (a bot that joined from the code on the projector), with what
// they wrote, after a confirmation that says what goes. What the projector shows large
// (focus), with the way to clear it. And, above the workspaces, a word when the room
// nears one of its ceilings (the server gives the ceilings).

import {t, el, byId} from './page.js';
import {userText, charCount} from './ui.js';
import {
  board, state, send, button, keyed, busy, render, proxyPerson, themeTitle, allNotes, errors,
  focusKeeper
} from './console-core.js';
import {ceilings, choices, limit} from './vocab.js';
import {tableLabel} from './console-table-board.js';

/** @typedef {import('./console-core.js').Item} Item */

const NAME_MAX = limit('NAME_MAX_CHARS');

/**
 * Start (or stop, with null) entering for a person without a phone.
 * @param {(string|null)} pid
 */
export function proxyFor(pid) {
  state.proxy = pid;
  render();
}

// --- 代理入力: the button opens its panel right under it -----------------------------------

/** What is typed in the search over the registered people. */
let proxyQuery = '';

/**
 * A name as it is compared in the search: width, case and spaces do not matter (a name
 * typed 「たなか」 or 「田中　一郎」 finds 「田中 一郎」 either way it was registered).
 * @param {string} text
 * @returns {string}
 */
function searchable(text) {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

let proxyToolSig = '';

/** The 代理入力 button, its panel (search over the registered people, registering a new
 * one) and, while entering for someone, the note form — all in one place. */
function drawProxyTool() {
  const open = state.open.proxyPanel === 'open';
  const people = Array.from(board.participants.values()).filter(function (p) {
    return p.proxy;
  });
  const sig = JSON.stringify([open, proxyQuery, state.proxy,
    people.map(function (p) { return [p.id, p.name, p.attribute]; })]);
  if (sig === proxyToolSig) {
    return;
  }
  proxyToolSig = sig;
  byId('proxy-panel').hidden = !open;
  byId('proxy-open').setAttribute('aria-expanded', open ? 'true' : 'false');
  const query = searchable(proxyQuery);
  const found = people.filter(function (p) {
    return !query || searchable(String(p.name)).indexOf(query) >= 0;
  });
  const list = byId('proxy-matches');
  list.textContent = '';
  found.forEach(function (p) {
    list.appendChild(el('li', {}, [button(t('console.proxy.pick',
      {name: p.name, attribute: p.attribute}), function () {
      delete state.open.proxyPanel;
      focusKeeper.ask('proxy-note-text');
      proxyFor(p.id);
    }, {kind: state.proxy === p.id ? 'secondary' : 'proxy', fk: 'pick:' + p.id,
      pressed: state.proxy === p.id, label: t('console.proxy.pick_label', {name: p.name})})]));
  });
  byId('proxy-matches-empty').textContent = found.length ? ''
    : t(people.length ? 'console.proxy.matches_none' : 'console.proxy.none_yet');
}

/**
 * What each person has put in, counted once per drawing (not once per row): their notes
 * and the actions they took on, for the removal's confirmation.
 * @type {{notes: Object<string, number>, roles: Object<string, number>}}
 */
let counts = {notes: {}, roles: {}};

function countThings() {
  /** @type {Object<string, number>} */
  const notes = {};
  /** @type {Object<string, number>} */
  const roles = {};
  allNotes().forEach(function (n) {
    if (n.author) {
      notes[n.author] = (notes[n.author] || 0) + 1;
    }
  });
  board.collections.actions.forEach(function (a) {
    (a.volunteers || []).forEach(function (/** @type {Item} */ v) {
      roles[v.id] = (roles[v.id] || 0) + 1;
    });
  });
  counts = {notes: notes, roles: roles};
}

/**
 * 「○○さんと、付箋3枚・共感2を外します。」: what the removal takes, in words.
 * @param {Item} person
 * @returns {string}
 */
function removalQuestion(person) {
  const things = [];
  const notes = counts.notes[person.id] || 0;
  const votes = Number(person.votes_used) || 0;
  const roles = counts.roles[person.id] || 0;
  if (notes) {
    things.push(t('console.person.remove_notes', {n: notes}));
  }
  if (votes) {
    things.push(t('console.person.remove_votes', {n: votes}));
  }
  if (roles) {
    things.push(t('console.person.remove_roles', {n: roles}));
  }
  return things.length
    ? t('console.person.remove_confirm', {name: person.name, things: things.join('・')})
    : t('console.person.remove_confirm_only', {name: person.name});
}

/**
 * @param {Item} person
 * @returns {boolean} whether they host the table they sit at
 */
function hosts(person) {
  const table = person.table ? board.kind('tables').get(person.table) : null;
  return !!table && table.host === person.id;
}

/**
 * @param {Item} person
 * @returns {string}
 */
function personSig(person) {
  const ctx = 'person:' + person.id;
  return JSON.stringify([person, state.proxy === person.id, errors.get(ctx), busy(ctx),
    tableLabel(person.table), hosts(person),
    state.open[ctx] || '', counts.notes[person.id] || 0, counts.roles[person.id] || 0]);
}

/**
 * Where the keyboard goes once a person is removed: the next person's 「外す」 (or the one
 * before), else the form below the list.
 * @param {string} pid
 * @returns {string} a focus key
 */
function focusAfterRemoving(pid) {
  const ids = Array.from(board.participants.keys());
  const at = ids.indexOf(pid);
  const next = ids[at + 1] || ids[at - 1];
  return next ? 'remove:' + next : 'proxy-name';
}

/**
 * The confirmation of a removal, in the person's row.
 * @param {Item} person
 * @returns {HTMLElement}
 */
function removeConfirm(person) {
  const ctx = 'person:' + person.id;
  const box = el('div', {class: 'confirm remove-confirm'}, [
    el('p', {class: 'confirm-question', text: removalQuestion(person)}),
    el('p', {class: 'hint', text: t('console.person.remove_hint')}),
    el('div', {class: 'actions'}, [
      button(t('console.person.remove_yes'), function () {
        const name = String(person.name);
        const after = focusAfterRemoving(person.id);
        delete state.open[ctx];
        send('remove_participant', {participant_id: person.id}, ctx, {ok: function () {
          byId('people-status').textContent = t('console.person.removed', {name: name});
          focusKeeper.ask(after);
        }});
      }, {kind: 'danger', fk: 'remove-yes:' + person.id, small: false,
        label: t('console.person.remove_label', {name: person.name})}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        focusKeeper.ask('remove:' + person.id);
        render();
      }, {fk: 'remove-no:' + person.id, small: false})
    ])
  ]);
  return box;
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
  const table = tableLabel(person.table);
  if (table) {
    tags.appendChild(el('span', {class: 'tag tag-table' + (hosts(person) ? ' tag-host' : ''),
      text: hosts(person) ? t('console.person.host', {table: table}) : table})); // where they sit
  }
  const entering = state.proxy === person.id;
  const row = el('li', {class: 'person' + (entering ? ' is-entering' : '')}, [
    el('div', {class: 'person-line'}, [
      userText('span', String(person.name), 'person-name'),
      el('span', {class: 'person-attribute', text: person.attribute}),
      tags
    ])
  ]);
  if (state.open[ctx] === 'remove') {
    row.appendChild(removeConfirm(person));
    row.appendChild(errors.line(ctx));
    return row;
  }
  const tools = el('div', {class: 'actions'});
  if (person.proxy) {
    tools.appendChild(button(t(entering ? 'console.proxy.stop' : 'console.proxy.start'),
      function () {
        proxyFor(entering ? null : person.id);
        focusKeeper.ask('enter:' + person.id);
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
  tools.appendChild(button(t('console.person.remove'), function () {
    state.open[ctx] = 'remove';
    errors.clear(ctx);
    byId('people-status').textContent = '';
    // The safe answer has the focus: Enter on a reflex keeps the person.
    focusKeeper.ask('remove-no:' + person.id);
    render();
  }, {fk: 'remove:' + person.id, disabled: busy(ctx), small: false,
    label: t('console.person.remove_label', {name: person.name})}));
  row.appendChild(tools);
  row.appendChild(errors.line(ctx));
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
    ? themeTitle(focus.id) : '', focus && focus.kind === 'table'
    ? tableLabel(focus.id, true) : '', errors.get('focus')]);
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
      : focus.kind === 'table' ? tableLabel(focus.id, true) : themeTitle(focus.id);
    box.appendChild(el('p', {class: 'focus-kind', text: t(focus.kind === 'note'
      ? 'console.focus.note' : focus.kind === 'table' ? 'console.focus.table'
        : 'console.focus.theme')}));
    box.appendChild(userText('p', what, 'focus-text'));
    box.appendChild(el('div', {class: 'actions'}, [
      button(t('console.focus.clear'), function () {
        send('set_focus', {kind: null}, 'focus');
      }, {fk: 'focus-clear'})
    ]));
  }
  box.appendChild(errors.line('focus'));
}

let ceilingsSig = '';

/** A word above the workspaces when the room nears one of its ceilings. */
function drawCeilings() {
  const given = ceilings();
  /** @type {Object<string, number>} */
  const now = {
    participants: board.participantCount, notes: board.notes.size,
    themes: board.collections.themes.size, actions: board.collections.actions.size,
    reviews: board.collections.reviews.size
  };
  const near = Object.keys(given.max).filter(function (kind) {
    const max = Number(given.max[kind]);
    return kind in now && max > 0 && now[kind] >= max * given.share;
  });
  const sig = JSON.stringify(near.map(function (kind) { return [kind, now[kind]]; }));
  if (sig === ceilingsSig) {
    return;
  }
  ceilingsSig = sig;
  const list = byId('ceilings-list');
  list.textContent = '';
  near.forEach(function (kind) {
    const max = Number(given.max[kind]);
    list.appendChild(el('li', {class: 'ceiling ceiling-' + kind + (now[kind] >= max
      ? ' is-full' : ''), text: t('console.caps.' + kind,
      {n: now[kind], max: max, left: Math.max(0, max - now[kind])})}));
  });
  byId('ceilings').hidden = near.length === 0;
}

/** Draw the people panel. */
export function drawPeople() {
  drawBanner();
  drawProxyTool();
  drawCeilings();
  countThings();
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
  drawFocus();
}

/** Wire the template's fixed controls once. */
export function setupPeople() {
  const select = /** @type {HTMLSelectElement} */ (byId('proxy-attribute'));
  choices('attributes').forEach(function (a) {
    select.appendChild(el('option', {value: a.id, text: a.label}));
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
      errors.set('add-proxy', problem);
      render();
      (value ? select : name).focus();
      return;
    }
    const attribute = select.value;
    send('add_proxy', {name: value, attribute: attribute, show_name: show.checked},
      'add-proxy', {ok: function (result) {
        // Registered to be entered for: start at once, the note form where the panel was.
        if (result.participant_id) {
          state.proxy = result.participant_id;
          delete state.open.proxyPanel;
          focusKeeper.ask('proxy-note-text');
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
  byId('proxy-open').addEventListener('click', function () {
    if (state.open.proxyPanel === 'open') {
      delete state.open.proxyPanel;
    } else {
      state.open.proxyPanel = 'open';
      focusKeeper.ask('proxy-search');
    }
    render();
  });
  const search = /** @type {HTMLInputElement} */ (byId('proxy-search'));
  search.addEventListener('input', function () {
    proxyQuery = search.value;
    render();
  });
  search.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      delete state.open.proxyPanel;
      focusKeeper.ask('proxy-open');
      render();
    }
  });
  byId('proxy-end').addEventListener('click', function () {
    const was = state.proxy;
    proxyFor(null);
    if (was) {
      focusKeeper.ask('enter:' + was);
    }
  });
}
