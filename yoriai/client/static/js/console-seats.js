// People at the tables, on the テーブル panel: each person a chip in the column of the table
// they sit at (or of nobody), pressed to select them; moved by dragging the chip (a mouse the
// whole chip, a finger its grip; console-drag.js) onto another column, or with the keyboard —
// select people (the arrow keys walk a column, Left / Right the next one), then press a table
// in the bar above the columns; 「進行役にする」 on someone seated. What a move waits for is
// drawn where it is going.

import {t, el, byId} from './page.js';
import {userText} from './ui.js';
import {board, send, button, keyed, busy, render, errors, focusKeeper} from './console-core.js';
import {setupDragging} from './console-drag.js';
import {label} from './vocab.js';
import {tableList, tableLabel} from './console-table-board.js';

/** @typedef {import('./console-core.js').Item} Item */

/** Where a person sits nowhere (the unseated column's drop zone). */
export const UNSEATED = '';

/**
 * Who sits where, as the server last said, with the moves not yet acknowledged put where
 * they are going (a dropped chip stays where it was dropped while the line is slow).
 * @returns {{at: Object<string, string>, moving: Object<string, boolean>}} person → table id
 *   (UNSEATED for nowhere), and who is on the way
 */
export function seating() {
  /** @type {Object<string, string>} */
  const at = {};
  /** @type {Object<string, boolean>} */
  const moving = {};
  tableList().forEach(function (table) {
    (table.seats || []).forEach(function (/** @type {Item} */ seat) {
      at[seat.id] = table.id;
    });
  });
  board.conn.pending().forEach(function (cmd) {
    if (cmd.name === 'seat' && typeof cmd.args.participant_id === 'string') {
      at[cmd.args.participant_id] = cmd.args.table_id || UNSEATED;
      moving[cmd.args.participant_id] = true;
    }
  });
  return {at: at, moving: moving};
}

// --- people: selecting, moving, hosting ----------------------------------------------------

/** The people selected to move, in the order they were selected. @type {Set<string>} */
const chosen = new Set();

/** @returns {Array<string>} the selected people who are still in the room */
function chosenNow() {
  return Array.from(chosen).filter(function (pid) { return board.participants.has(pid); });
}

/**
 * Move people to a table (UNSEATED: to no table).
 * @param {Array<string>} pids
 * @param {string} tableId
 */
function seatMany(pids, tableId) {
  const now = seating().at;
  pids.forEach(function (pid) {
    chosen.delete(pid);
    if ((now[pid] || UNSEATED) !== tableId) {
      const name = String((board.participants.get(pid) || {}).name || '');
      send('seat', {participant_id: pid, table_id: tableId || null}, 'seat', {ok: function () {
        // Said where a screen reader hears it: the chip itself went to another column.
        byId('tables-status').textContent = tableId
          ? t('console.tables.seated', {name: name, table: tableLabel(tableId, true)})
          : t('console.tables.unseated_now', {name: name});
      }});
    }
  });
  render();
}

/**
 * A chip dropped on a table (or on the unseated column): a selected chip takes the whole
 * selection with it.
 * @param {string} pid
 * @param {string} tableId
 */
function dropPerson(pid, tableId) {
  if (chosen.has(pid) && chosen.size > 1) {
    seatMany(chosenNow(), tableId);
  } else {
    seatMany([pid], tableId);
  }
}

/**
 * @param {Item} person a participant (or a seat of a table)
 * @param {(Item|null)} table the table they sit at, or null
 * @param {boolean} moving
 * @returns {string}
 */
function chipSig(person, table, moving) {
  const ctx = 'host:' + person.id;
  return JSON.stringify([person.id, person.name, person.attribute, person.proxy,
    table ? [table.id, table.host, table.number] : null, moving, chosen.has(person.id),
    busy(ctx), errors.get(ctx)]);
}

/**
 * A person's chip: pressed to select them; dragged (a finger by its grip) to another
 * table; with 「進行役にする」 when they sit at a table.
 * @param {Item} person
 * @param {(Item|null)} table the table they sit at, or null
 * @param {boolean} moving
 * @returns {HTMLElement}
 */
function personChip(person, table, moving) {
  const ctx = 'host:' + person.id;
  const picked = chosen.has(person.id);
  const hosting = !!table && table.host === person.id;
  const name = String(person.name);
  const chip = el('li', {class: 'seat-chip' + (picked ? ' is-selected' : '') +
    (moving ? ' is-moving' : '') + (hosting ? ' is-host' : ''), 'data-person-id': person.id});
  const pick = el('button', {type: 'button', class: 'seat-select', 'data-fk': 'seat:' + person.id,
    'aria-pressed': picked ? 'true' : 'false'}, [
    el('span', {class: 'chip-check', 'aria-hidden': 'true', text: picked ? '✓' : ''}),
    userText('span', name, 'seat-name'),
    el('span', {class: 'seat-attribute', text: label('attributes', String(person.attribute))}),
    person.proxy ? el('span', {class: 'tag tag-proxy', title: t('console.tables.no_phone_hint'),
      text: t('console.tables.no_phone')}) : null,
    hosting ? el('span', {class: 'tag tag-host', text: t('console.tables.host')}) : null,
    moving ? el('span', {class: 'note-tag', text: t('console.move.moving')}) : null
  ]);
  pick.addEventListener('click', function () {
    const col = chip.closest('.table-col');
    if (col) {
      rover[col.getAttribute('data-seat-drop') || ''] = person.id;
    }
    if (chosen.has(person.id)) {
      chosen.delete(person.id);
    } else {
      chosen.add(person.id);
    }
    focusKeeper.ask('seat:' + person.id);
    render();
  });
  chip.appendChild(el('span', {class: 'drag-handle seat-grip', 'aria-hidden': 'true',
    title: t('console.tables.grip')}, [el('span', {class: 'grip', text: '⠿'})]));
  chip.appendChild(pick);
  if (table && !person.proxy) {
    chip.appendChild(button(t(hosting ? 'console.tables.unhost' : 'console.tables.make_host'),
      function () {
        send('set_table_host', {table_id: table.id,
          participant_id: hosting ? null : person.id}, ctx, {ok: function () {
          byId('tables-status').textContent = t(hosting ? 'console.tables.host_cleared'
            : 'console.tables.host_set', {name: name, table: tableLabel(table.id, true)});
        }});
      }, {fk: 'host:' + person.id, disabled: busy(ctx), kind: hosting ? 'secondary' : 'primary',
        label: t(hosting ? 'console.tables.unhost_label' : 'console.tables.make_host_label',
          {name: name, table: tableLabel(table.id)})}));
  }
  chip.appendChild(errors.line(ctx));
  return chip;
}

let seatBarSig = '';

/** The bar above the columns: how many are selected, and the tables to put them at. */
export function drawSeatBar() {
  const pids = chosenNow();
  const list = tableList();
  const sig = JSON.stringify([pids, list.map(function (tb) {
    return [tb.id, tb.number, tb.name];
  }), errors.get('seat')]);
  if (sig === seatBarSig) {
    return;
  }
  seatBarSig = sig;
  const bar = byId('seat-bar');
  bar.hidden = list.length === 0;
  byId('seat-count').textContent = pids.length
    ? t('console.tables.selected', {n: pids.length}) : t('console.tables.none_selected');
  const targets = byId('seat-targets');
  targets.textContent = '';
  if (pids.length) {
    list.forEach(function (tb) {
      const text = t('console.tables.to', {table: tableLabel(tb.id)});
      targets.appendChild(button(text, function () {
        focusKeeper.ask('seat:' + pids[0]);
        seatMany(pids, tb.id);
      }, {fk: 'seat-to:' + tb.id, kind: 'primary',
        label: t('console.tables.to_label', {n: pids.length, table: tableLabel(tb.id, true)})}));
    });
    targets.appendChild(button(t('console.tables.to_none'), function () {
      focusKeeper.ask('seat:' + pids[0]);
      seatMany(pids, UNSEATED);
    }, {fk: 'seat-to:none'}));
    targets.appendChild(button(t('console.sort.clear'), function () {
      chosen.clear();
      render();
    }, {fk: 'seat-clear'}));
  }
}

/** The chip of each column that Tab lands on (one tab stop per column). @type {Object<string, string>} */
const rover = {};

/**
 * One tab stop per column of people (the chip last used, else the first): the arrow keys
 * walk the rest, and Left / Right go to the next column.
 * @param {HTMLElement} cols
 */
export function rove(cols) {
  Array.prototype.forEach.call(cols.querySelectorAll(':scope > .table-col'),
    function (/** @type {HTMLElement} */ col) {
      const key = col.getAttribute('data-seat-drop') || '';
      const picks = col.querySelectorAll('.seat-select');
      let found = false;
      Array.prototype.forEach.call(picks, function (/** @type {HTMLElement} */ b) {
        const here = b.getAttribute('data-fk') === 'seat:' + rover[key];
        b.setAttribute('tabindex', here ? '0' : '-1');
        found = found || here;
      });
      if (!found && picks.length) {
        picks[0].setAttribute('tabindex', '0');
      }
    });
}

/**
 * The arrow keys on a person's chip.
 * @param {KeyboardEvent} ev
 */
function walk(ev) {
  const target = /** @type {HTMLElement} */ (ev.target);
  if (!target.classList.contains('seat-select')) {
    return;
  }
  const col = /** @type {(HTMLElement|null)} */ (target.closest('.table-col'));
  if (!col) {
    return;
  }
  /** @type {(HTMLElement|null)} */
  let next = null;
  const picks = Array.prototype.slice.call(col.querySelectorAll('.seat-select'));
  const at = picks.indexOf(target);
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    next = picks[Math.max(0, Math.min(picks.length - 1, at + (ev.key === 'ArrowDown' ? 1 : -1)))];
  } else if (ev.key === 'Home' || ev.key === 'End') {
    next = picks[ev.key === 'Home' ? 0 : picks.length - 1];
  } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
    const cols = Array.prototype.slice.call(byId('table-cols').querySelectorAll(
      ':scope > .table-col')).filter(function (/** @type {HTMLElement} */ c) {
      return !!c.querySelector('.seat-select');
    });
    const other = cols[cols.indexOf(col) + (ev.key === 'ArrowRight' ? 1 : -1)];
    if (other) {
      const theirs = other.querySelectorAll('.seat-select');
      next = /** @type {HTMLElement} */ (theirs[Math.min(at, theirs.length - 1)]);
    }
  } else {
    return;
  }
  ev.preventDefault();
  if (next && next !== target) {
    const chip = /** @type {HTMLElement} */ (next.closest('.table-col'));
    rover[chip.getAttribute('data-seat-drop') || ''] =
      (next.getAttribute('data-fk') || '').slice('seat:'.length);
    rove(byId('table-cols'));
    next.focus();
  }
}

/** Wire the template's fixed controls once. */

/**
 * Draw the people of one column.
 * @param {HTMLElement} list
 * @param {Array<Item>} people who sits there, in seat order
 * @param {(Item|null)} table the table, or null for nobody's
 * @param {Object<string, boolean>} moving who is on the way
 */
export function drawSeats(list, people, table, moving) {
  keyed(list, people, function (p) { return p.id; },
    function (p) { return chipSig(p, table, !!moving[p.id]); },
    function (p) { return personChip(p, table, !!moving[p.id]); });
}

/** Wire the columns' keys and pointer once. */
export function setupSeats() {
  const cols = byId('table-cols');
  cols.addEventListener('keydown', walk);
  setupDragging(cols, dropPerson, function () {}, {chip: '.seat-chip',
    idAttr: 'data-person-id', zoneAttr: 'data-seat-drop'});
  // Escape lets go of the people selected.
  byId('view-tables').addEventListener('keydown', function (ev) {
    const target = /** @type {HTMLElement} */ (ev.target);
    if (ev.key === 'Escape' && chosen.size && !target.closest('input')) {
      chosen.clear();
      render();
    }
  });
}
