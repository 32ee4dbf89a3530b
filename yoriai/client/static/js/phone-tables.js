// Tables (班) on the phone: the big 「3班」 at the top of the board, and the order in which
// a step's lists show things once people sit at tables: the person's own table first, then
// what belongs to the whole room (made before the tables, or room-wide), and the other
// tables only when the facilitator lets phones look at them, behind 「ほかのテーブルを見る」.
//
// The server decides what is whose (note.table, theme.table, me.table) and what may be
// done with it (votable, me.votes_left): no domain rule lives here. An evening without
// tables (me.table null) shows every list exactly as before, with no headings.

import {t, el, byId, setText} from './page.js';
import {phone, me, items, settings} from './phone-kit.js';

/** @typedef {import('./phone-kit.js').Item} Item */

/**
 * @template T
 * @typedef {{key: string, head?: string, opener?: string, count?: number,
 *   item?: T, other?: boolean}} Row
 *   one row of a list arranged by table: a heading, the switch that opens the other
 *   tables (``opener``: the view it belongs to), or an item (``other``: of another table,
 *   shown to be read)
 */

/** The lists whose other tables the reader opened, by view (notes, votes, themes, join). */
const opened = /** @type {Object<string, boolean>} */ ({});

/** The smallest the table's number is drawn when its words do not fit beside the tools
 * (「Table 12」 in English, with 文字を大きく): bold, white on black, a quarter above the
 * phone's ordinary text; below that it wraps rather than being cut (what is cut could
 * read as another table: 「Table 1」 for 12). */
const BADGE_SMALLEST_PX = 20;
/** What the number's size was fitted for (its words, the text size; a resize clears it):
 * measured again only when one changes (a measure forces a layout). */
let fitKey = '';
window.addEventListener('resize', function () { fitKey = ''; });

/** @returns {(string|null)} the id of the table this person sits at now */
export function myTableId() {
  const id = me().table;
  return typeof id === 'string' && id ? id : null;
}

/** @returns {(string|null)} the id of the table this person hosts */
export function hostOf() {
  const id = me().host_of;
  return typeof id === 'string' && id ? id : null;
}

/**
 * @param {(string|null|undefined)} id
 * @returns {(Item|undefined)} the table as the server sends it ("tables" kind)
 */
export function tableOf(id) {
  return id ? items('tables').get(id) : undefined;
}

/**
 * A table in words: 「3班」 (its number: what is written on the table card in the room).
 * @param {(Item|undefined)} table
 * @returns {string}
 */
export function tableWords(table) {
  return table ? t('table.number', {n: table.number}) : '';
}

/** @returns {boolean} whether the facilitator lets phones look at the other tables */
export function othersAllowed() {
  return !!settings().others_visible;
}

/**
 * @param {string} view
 * @returns {boolean} whether the other tables are open in that list now
 */
export function othersOpen(view) {
  return othersAllowed() && !!opened[view];
}

/**
 * Draw the table this person sits at: 「3班」 big in the top bar, and the table's name, if
 * it has one, at the start of the title line. Hidden while they sit at no table.
 */
export function drawBadge() {
  const table = tableOf(myTableId());
  const name = byId('table-name');
  byId('table-badge').hidden = !table;
  name.hidden = !table || !table.name;
  if (table) {
    setText(byId('table-number'), tableWords(table));
    setText(name, String(table.name || ''));
    fit(byId('table-badge'));
  }
}

/**
 * While the projector shows one table large (全体共有, or the facilitator's focus), say
 * which, on the quiet screen (「大きな画面に出ているのは2班です。」), and that it is one's own.
 */
export function drawOnScreen() {
  const box = byId('on-screen');
  const focus = phone.board.workshop.focus;
  const table = focus && focus.kind === 'table' ? tableOf(String(focus.id)) : undefined;
  box.hidden = !table;
  if (table) {
    setText(box, t(table.id === myTableId() ? 'table.on_screen_mine' : 'table.on_screen',
      {table: tableWords(table)}));
    box.classList.toggle('is-mine', table.id === myTableId());
  }
}

/**
 * Shrink the number's words to the room the top bar leaves them (down to BADGE_SMALLEST_PX),
 * so that no table's number is shown cut; wrapped, if even that is too wide.
 * @param {HTMLElement} badge
 */
function fit(badge) {
  const key = [badge.textContent, document.documentElement.className].join('|');
  if (key === fitKey) {
    return;
  }
  fitKey = key;
  badge.style.fontSize = '';
  badge.classList.remove('is-wrapped');
  const room = badge.clientWidth;
  const need = badge.scrollWidth;
  if (need <= room + 1) {
    return;
  }
  const style = window.getComputedStyle(badge);
  const size = parseFloat(style.fontSize) || BADGE_SMALLEST_PX;
  const pad = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0);
  // The words scale with the size; the padding does not.
  const fitted = Math.floor(size * Math.max(0, room - pad) / Math.max(1, need - pad));
  badge.style.fontSize = Math.max(BADGE_SMALLEST_PX, fitted) + 'px';
  if (fitted < BADGE_SMALLEST_PX) {
    badge.classList.add('is-wrapped');
  }
}

/**
 * A list in the order a seated person reads it: their table's items, the room's (under
 * 「全体の付箋」), then, when the facilitator allows it, the switch 「ほかのテーブルを見る」
 * and, once it is open, each other table's items under its name (「1班の付箋」). The first
 * group has no heading of its own: the list starts where it did, and the step's first
 * button stays on the first screen (the 「3班」 at the top says whose it is). Without a
 * seat: the items as they are, nothing added.
 * @template T
 * @param {string} view which list (its switch is remembered apart from the others')
 * @param {Array<T>} list in the order to show within a group
 * @param {function(T): string} keyOf
 * @param {function(T): (string|null)} tableOfItem the table an item belongs to (null: room)
 * @param {string} words the catalogue key of a group's heading ("{table}の付箋")
 * @param {string} roomWords the catalogue key of the room's heading
 * @returns {Array<Row<T>>}
 */
export function arranged(view, list, keyOf, tableOfItem, words, roomWords) {
  const mine = myTableId();
  if (!mine) {
    return list.map(function (item) { return {key: keyOf(item), item: item}; });
  }
  /** @type {Array<T>} */
  const own = [];
  /** @type {Array<T>} */
  const room = [];
  /** @type {Object<string, Array<T>>} */
  const others = {};
  list.forEach(function (item) {
    const table = tableOfItem(item);
    if (table === mine) {
      own.push(item);
    } else if (!table) {
      room.push(item);
    } else {
      (others[table] = others[table] || []).push(item);
    }
  });
  /** @type {Array<Row<T>>} */
  const rows = [];
  /**
   * @param {string} key
   * @param {string} head
   * @param {Array<T>} group
   * @param {boolean} other
   */
  function add(key, head, group, other) {
    if (!group.length) {
      return;
    }
    if (rows.length) {
      rows.push({key: 'head:' + key, head: head, count: group.length});
    }
    group.forEach(function (item) {
      rows.push({key: keyOf(item), item: item, other: other});
    });
  }
  add('own', t(words, {table: tableWords(tableOf(mine))}), own, false);
  add('room', t(roomWords), room, false);
  // Other tables in their number order (the "tables" kind comes in that order).
  const order = Array.from(items('tables').keys()).filter(function (id) {
    return !!others[id];
  });
  Object.keys(others).forEach(function (id) {
    if (order.indexOf(id) < 0) {
      order.push(id); // a table the phone does not know (yet): still at the end
    }
  });
  const hidden = order.reduce(function (n, id) { return n + others[id].length; }, 0);
  if (hidden && othersAllowed()) {
    rows.push({key: 'opener:' + view, opener: view, count: hidden});
    if (opened[view]) {
      order.forEach(function (id) {
        add('table:' + id, t(words, {table: tableWords(tableOf(id)) || id}), others[id], true);
      });
    }
  }
  return rows;
}

/**
 * The node of a heading or of the switch of a list arranged by ``arranged``.
 * @template T
 * @param {Row<T>} row a row without an item
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
export function rowNode(row, before) {
  if (row.opener) {
    const view = row.opener;
    const open = !!opened[view];
    const sig = JSON.stringify([open, row.count]);
    if (before && before.getAttribute('data-sig') === sig) {
      return before;
    }
    const button = el('button', {type: 'button', class: 'button secondary others-switch',
      'aria-expanded': open ? 'true' : 'false', 'data-fk': 'others',
      text: open ? t('table.others_hide') : t('table.others_show', {n: row.count || 0})});
    button.addEventListener('click', function () {
      opened[view] = !opened[view];
      phone.render();
    });
    const node = el('li', {class: 'others-row'}, [button]);
    node.setAttribute('data-sig', sig);
    return node;
  }
  const text = String(row.head || '');
  if (before && before.getAttribute('data-sig') === text) {
    return before;
  }
  const node = el('li', {class: 'group-head'}, [el('h3', {class: 'group-title', text: text})]);
  node.setAttribute('data-sig', text);
  return node;
}

/**
 * The table an item (a note, a theme) belongs to, as the server sends it; null: the room's.
 * @param {Object<string, any>} item
 * @returns {(string|null)}
 */
export function itemTable(item) {
  const id = item ? item.table : null;
  return typeof id === 'string' && id ? id : null;
}

/**
 * Whose a note or a theme is, as people at the tables see it: the table it belongs to;
 * else, for a room-wide theme whose 輪 became a table (tables made "by themes"), that
 * table, and its notes with it (as the projector shows them); else the room's (null).
 * @param {Object<string, any>} item a note (with ``theme``) or a theme (with ``id``)
 * @param {string} kind notes | themes
 * @returns {(string|null)}
 */
export function ownerOf(item, kind) {
  const own = itemTable(item);
  if (own) {
    return own;
  }
  const theme = kind === 'themes' ? item.id : item.theme;
  if (!theme) {
    return null;
  }
  const made = Array.from(items('tables').values()).filter(function (tb) {
    return tb.theme === theme;
  })[0];
  if (!made) {
    return null;
  }
  // A theme of a table (not the room's) stays its table's, whatever was made from it.
  const source = kind === 'themes' ? item : items('themes').get(String(theme));
  return source && itemTable(source) ? null : String(made.id);
}

/** @param {Object<string, any>} note @returns {(string|null)} */
export function noteOwner(note) {
  return ownerOf(note, 'notes');
}

/** @param {Object<string, any>} theme @returns {(string|null)} */
export function themeOwner(theme) {
  return ownerOf(theme, 'themes');
}

/**
 * A tag that says which table an item of another table comes from (「2班」).
 * @param {(string|null|undefined)} tableId
 * @returns {string} the words, '' for the room or when not seated
 */
export function tableTag(tableId) {
  if (!tableId || !myTableId() || tableId === myTableId()) {
    return '';
  }
  return tableWords(tableOf(tableId));
}
