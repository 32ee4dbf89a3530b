// テーブルの進行: what a table host (テーブル進行役) does from the phone, for their own table
// only. Three tasks, one on the screen at a time:
//
//   テーマ分け  tap one of the table's notes, then the theme it goes into (or 新しいテーマ):
//              group_note / create_theme with the note; under the notes, the table's
//              themes to rename (rename_theme)
//   代理入力    choose someone at the table without a phone (a proxy), write their note
//              (post_note with proxy_for) and, while the step opens them, give their 共感
//              (cast_vote / retract_vote) and put them in a 輪 (join_theme / leave_theme):
//              its own module, phone-host-proxy.js, given the table's proxies
//   計画案      write the proposal of each of the table's themes (the same form as the
//              members', phone-plan.js, its draft shared)
//
// The server says what the host may see and do (me.host_of, the table's seats, its notes
// and themes): nothing is decided here. A refusal (not_your_table when the host is no longer
// this table's, say) is shown on the card that sent it, or in the bar at the bottom of the
// screen when that card is not on the screen.

import {t, el, icon, byId, limitChars} from './page.js';
import {noteCard, reconcile, idNumber, userText} from './ui.js';
import {
  phone, pend, isLocked, items, send, refuse, button, sendButton, sendingLine, cached,
  themeLine
} from './phone-kit.js';
import {hostOf, tableOf, tableWords, itemTable} from './phone-tables.js';
import {proposalEditor} from './phone-plan.js';
import {drawProxy, proxyAcked, proxyRefused, proxyStepChanged} from './phone-host-proxy.js';
import {limit} from './vocab.js';

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./phone-kit.js').Item} Item
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{id: string, name: string, attribute: string, proxy: boolean,
 *   votes?: Object<string, number>, votes_left?: number, themes?: Array<string>}} Seat
 *   a seat of the host's table; a proxy's says what they gave (``votes``, ``votes_left``,
 *   ``themes``)
 */

/** The task on the screen ('' until the host chooses: the step decides the first). */
let task = '';
/** The note tapped, waiting for its theme. @type {(string|null)} */
let chosen = null;
/** Whether the chosen note's 「新しいテーマ」 box is open, and what is typed in it. */
let naming = false;
let newTitle = '';
/** The theme being renamed, and the name typed so far. @type {(string|null)} */
let renaming = null;
let renameText = '';

const editor = proposalEditor('host-');

Array.prototype.forEach.call(byId('host').querySelectorAll('[data-host-tab]'),
  function (/** @type {HTMLElement} */ b) {
    b.addEventListener('click', function () {
      task = b.getAttribute('data-host-tab') || 'sort';
      phone.render();
    });
  });

// --- what the host's table holds ----------------------------------------------------------

/** @returns {(Item|undefined)} the table this person hosts */
function table() {
  return tableOf(hostOf());
}

/** @returns {Array<Note>} the table's notes on the board, oldest first */
function tableNotes() {
  const id = hostOf();
  return Array.from(phone.board.notes.values()).filter(function (n) {
    return !!id && itemTable(n) === id && !n.hidden;
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
}

/** @returns {Array<Item>} the table's themes, in the order they were made */
function tableThemes() {
  const id = hostOf();
  return Array.from(items('themes').values()).filter(function (th) {
    return !!id && itemTable(th) === id;
  });
}

/** @returns {Array<Seat>} the people at the table without a phone (代理入力) */
function proxies() {
  const here = table();
  const seats = here && Array.isArray(here.seats) ? here.seats : [];
  return seats.filter(function (/** @type {Seat} */ s) { return !!s.proxy; });
}

// --- テーマ分け -----------------------------------------------------------------------------

/**
 * One of the table's notes: tap it, then the theme it goes into.
 * @param {Note} note
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function sortCard(note, before) {
  const ctx = 'host:note:' + note.id;
  const themes = tableThemes();
  const open = chosen === note.id;
  const busy = !!pend[ctx];
  const theme = note.theme ? items('themes').get(note.theme) : undefined;
  const sig = JSON.stringify([note, theme ? theme.title : null, open, open ? themes : null,
    open && naming, busy, isLocked(), phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'host-note' + (open ? ' is-chosen' : '')});
    // The whole note is the button: a big target, its words what it says.
    const pick = el('button', {type: 'button', class: 'note-pick', 'data-fk': 'pick',
      'aria-pressed': open ? 'true' : 'false'});
    const body = noteCard(note, note.private ? [t('host.private')] : []);
    Array.prototype.slice.call(body.childNodes).forEach(function (/** @type {Node} */ n) {
      pick.appendChild(n);
    });
    pick.className = body.className + ' note-pick';
    pick.appendChild(el('p', {class: 'note-theme'}, [
      el('span', {class: 'theme-word', text: t('host.theme')}),
      theme ? userText('span', String(theme.title), 'theme-title')
        : el('span', {class: 'theme-none', text: t('host.no_theme')})]));
    pick.addEventListener('click', function () {
      chosen = open ? null : note.id;
      naming = false;
      newTitle = '';
      phone.errors.clear(ctx);
      if (chosen) {
        // The choices open under the note: the focus goes to the first, in sight.
        const first = tableThemes().filter(function (th) { return th.id !== note.theme; })[0];
        phone.focus.ask(first ? 'into-' + first.id : 'new', note.id);
      }
      phone.render();
    });
    /** @type {HTMLButtonElement} */ (pick).disabled = busy;
    card.appendChild(pick);
    if (busy) {
      card.appendChild(sendingLine());
    }
    if (open) {
      card.appendChild(chooser(note, themes, ctx));
    }
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
}

/**
 * Under the tapped note: the table's themes to put it in, 「新しいテーマ」, and 「やめる」.
 * @param {Note} note
 * @param {Array<Item>} themes
 * @param {string} ctx
 * @returns {HTMLElement}
 */
function chooser(note, themes, ctx) {
  const box = el('div', {class: 'sort-choices', role: 'group',
    'aria-label': t('host.sort_into')});
  box.appendChild(el('p', {class: 'field-label', text: t('host.sort_into')}));
  themes.forEach(function (th) {
    const here = note.theme === th.id;
    const b = sendButton('', 'secondary theme-target', 'into-' + th.id, here, function () {
      done();
      send('group_note', {note_id: note.id, theme_id: th.id}, ctx);
    });
    b.appendChild(icon('theme'));
    b.appendChild(userText('span', String(th.title), 'theme-target-title'));
    if (here) {
      b.appendChild(el('span', {class: 'theme-here', text: t('host.here')}));
    }
    box.appendChild(b);
  });
  if (naming) {
    const form = el('form', {class: 'new-theme', novalidate: true});
    const boxId = 'host-new-theme';
    form.appendChild(el('label', {for: boxId, class: 'field-label',
      text: t('host.new_theme_name')}));
    const input = /** @type {HTMLInputElement} */ (el('input', {type: 'text', id: boxId,
      dir: 'auto', class: 'user-text', 'data-fk': 'title'}));
    input.value = newTitle;
    limitChars(input, limit('THEME_TITLE_MAX_CHARS'));
    input.addEventListener('input', function () { newTitle = input.value; });
    form.appendChild(input);
    const make = el('button', {type: 'submit', class: 'button primary', 'data-fk': 'make',
      text: t('host.new_theme_make')});
    /** @type {HTMLButtonElement} */ (make).disabled = isLocked();
    form.appendChild(el('div', {class: 'actions'}, [make]));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      const title = input.value.trim();
      if (!title) {
        phone.focus.ask('title', note.id);
        refuse(ctx, t('error.empty_theme'));
        return;
      }
      done();
      send('create_theme', {title: title, note_id: note.id}, ctx);
    });
    box.appendChild(form);
  } else {
    const add = button(t('host.new_theme'), 'secondary theme-new', function () {
      naming = true;
      phone.focus.ask('title', note.id);
      phone.render();
    }, 'new');
    add.insertBefore(icon('plus'), add.firstChild);
    box.appendChild(add);
  }
  const actions = [];
  if (note.theme) {
    actions.push(sendButton(t('host.take_out'), 'secondary', 'out', false, function () {
      done();
      send('group_note', {note_id: note.id, theme_id: null}, ctx);
    }));
  }
  actions.push(button(t('note.cancel'), 'secondary', function () {
    done();
    phone.focus.ask('pick', note.id);
    phone.render();
  }, 'cancel'));
  box.appendChild(el('div', {class: 'actions'}, actions));
  return box;
}

/** The note went where it goes (or the host changed their mind): nothing is chosen now. */
function done() {
  chosen = null;
  naming = false;
  newTitle = '';
}

function drawSort() {
  const notes = tableNotes();
  if (chosen && !notes.some(function (n) { return n.id === chosen; })) {
    done(); // the note went away (hidden, deleted, the table changed)
  }
  reconcile(byId('host-notes'), notes, function (n) { return n.id; }, sortCard);
  byId('host-notes-empty').hidden = notes.length > 0;
  const themes = tableThemes();
  if (renaming && !themes.some(function (th) { return th.id === renaming; })) {
    renaming = null; // merged or deleted meanwhile
  }
  byId('host-themes').hidden = themes.length === 0;
  reconcile(byId('host-theme-list'), themes, function (th) { return String(th.id); },
    renameCard);
}

/**
 * One of the table's themes: its name, and 「名前を変える」 (rename_theme), opened in place.
 * @param {Item} theme
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function renameCard(theme, before) {
  const ctx = 'host:theme:' + theme.id;
  const open = renaming === theme.id;
  const busy = !!pend[ctx];
  const sig = JSON.stringify([theme.title, open, busy, isLocked(), phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card theme-card host-theme'});
    card.appendChild(themeLine(String(theme.title)));
    if (open) {
      const form = el('form', {class: 'new-theme', novalidate: true});
      const boxId = 'host-rename-' + theme.id;
      form.appendChild(el('label', {for: boxId, class: 'field-label',
        text: t('host.rename_label', {title: String(theme.title)})}));
      const input = /** @type {HTMLInputElement} */ (el('input', {type: 'text', id: boxId,
        dir: 'auto', class: 'user-text', 'data-fk': 'title'}));
      input.value = renameText;
      limitChars(input, limit('THEME_TITLE_MAX_CHARS'));
      input.addEventListener('input', function () {
        renameText = input.value;
        const said = phone.errors.get(ctx);
        if (said) { // being fixed: the refusal goes, here and in the bar (the focus stays)
          phone.errors.clear(ctx);
          if (phone.stepError.textContent === said) {
            phone.stepError.textContent = '';
          }
          phone.render();
        }
      });
      form.appendChild(input);
      const save = el('button', {type: 'submit', class: 'button primary', 'data-fk': 'save',
        text: t('host.rename_save')});
      /** @type {HTMLButtonElement} */ (save).disabled = isLocked();
      form.appendChild(el('div', {class: 'actions'}, [save,
        button(t('note.cancel'), 'secondary', function () {
          renaming = null;
          phone.errors.clear(ctx);
          phone.focus.ask('rename', String(theme.id));
          phone.render();
        }, 'cancel')]));
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        const title = input.value.trim();
        if (!title) {
          phone.focus.ask('title', String(theme.id));
          refuse(ctx, t('error.empty_theme'));
          return;
        }
        renaming = null;
        send('rename_theme', {theme_id: theme.id, title: title}, ctx);
      });
      card.appendChild(form);
    } else {
      card.appendChild(el('div', {class: 'actions'}, [
        sendButton(t('host.rename'), 'secondary', 'rename', busy, function () {
          renaming = String(theme.id);
          renameText = String(theme.title);
          phone.errors.clear(ctx);
          phone.focus.ask('title', String(theme.id));
          phone.render();
        })]));
    }
    if (busy) {
      card.appendChild(sendingLine());
    }
    card.appendChild(phone.errors.line(ctx));
    return card;
  });
}


// --- 計画案 ---------------------------------------------------------------------------

function drawProposals() {
  const themes = tableThemes();
  reconcile(byId('host-proposals'), themes, function (th) { return 'host-' + th.id; },
    editor);
  byId('host-proposals-empty').hidden = themes.length > 0;
}

// --- the section --------------------------------------------------------------------------

/**
 * @param {string} step the room's step now
 * @returns {string} the task on the screen
 */
function taskNow(step) {
  if (!task) {
    return step === 'activity' ? 'proposal' : 'sort';
  }
  return task;
}

/**
 * Draw テーブルの進行 for the table this person hosts.
 * @param {string} step the room's step now (it chooses the first task)
 */
export function draw(step) {
  const here = table();
  const title = t('host.title', {table: tableWords(here)});
  if (byId('host-title').textContent !== title) {
    byId('host-title').textContent = title;
  }
  const now = taskNow(step);
  Array.prototype.forEach.call(byId('host').querySelectorAll('[data-host-tab]'),
    function (/** @type {HTMLElement} */ b) {
      const name = b.getAttribute('data-host-tab') || '';
      b.setAttribute('aria-pressed', name === now ? 'true' : 'false');
      byId('host-part-' + name).hidden = name !== now;
    });
  if (now === 'sort') {
    drawSort();
  } else if (now === 'proxy') {
    drawProxy(proxies(), step);
  } else {
    drawProposals();
  }
}

/**
 * A command of the host's was answered: the proxy's note is on the board.
 * @param {Command} cmd
 */
export function acked(cmd) {
  proxyAcked(cmd);
}

/**
 * A command of the host's was refused: the proxy's words come back to be fixed.
 * @param {Command} cmd
 */
export function refused(cmd) {
  proxyRefused(cmd);
}

/** The room moved on: the task is chosen again for the new step, except 代理入力, whose
 * parts follow the step (its 共感 and 輪 come and go with what the step opens). */
export function stepChanged() {
  if (task !== 'proxy') {
    task = '';
  }
  done();
  renaming = null;
  proxyStepChanged();
}
