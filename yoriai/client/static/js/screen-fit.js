// Fitting the projector's board to the screen: nobody scrolls a projector.
//
// A view marks the boxes that must not overflow with the class "fit-box" (each is
// overflow: hidden in screen.css) and the lists inside them that may be shortened with
// "fit-list". fit() tries the sizes from the largest ("fit-1") down and keeps the first
// with which every box fits. A box may say from which size on it would rather be shortened
// than make everything smaller (data-trim-at="3"). A list that still overflows shows as
// many of its first items as fit and one line saying how many more there are (「ほか 12枚」):
// nothing is ever cut in half or silently lost below the edge. A list marked data-rotate
// (the notes of each kind, the role board's rows, the review) then shows its next items in
// turn (turn(), every ROTATE_SECS), so that over a minute or two every item has been seen.

import {t} from './page.js';

// How long one window of a rotating list stays: long enough to read five or six items
// aloud, short enough that the last ones come round within a minute or two.
export const ROTATE_SECS = 12;

/**
 * Whether a box shows all of its content.
 * @param {Element} box
 * @returns {boolean}
 */
function boxFits(box) {
  return box.scrollHeight <= box.clientHeight + 1 && box.scrollWidth <= box.clientWidth + 1;
}

/**
 * The boxes of a view that must not overflow, the view itself included.
 * @param {HTMLElement} view
 * @returns {Array<HTMLElement>}
 */
function boxesOf(view) {
  const boxes = /** @type {Array<HTMLElement>} */ (
    Array.prototype.slice.call(view.querySelectorAll('.fit-box')));
  if (view.classList.contains('fit-box')) {
    boxes.unshift(view);
  }
  return boxes;
}

/**
 * Whether every box of a view fits (or, at this size, may be shortened instead).
 * @param {HTMLElement} view
 * @param {number} level
 * @returns {boolean}
 */
function viewFits(view, level) {
  return boxesOf(view).every(function (box) {
    const from = parseInt(box.getAttribute('data-trim-at') || '', 10);
    return (!isNaN(from) && level >= from) || boxFits(box);
  });
}

/**
 * Put the size class "fit-<level>" on ``root`` (and no other).
 * @param {HTMLElement} root
 * @param {number} level
 * @param {number} levels how many there are
 */
function setLevel(root, level, levels) {
  for (let i = 1; i <= levels; i++) {
    root.classList.toggle('fit-' + i, i === level);
  }
}

/**
 * Show again everything a previous trim() hid.
 * @param {HTMLElement} view
 */
function untrim(view) {
  Array.prototype.forEach.call(view.querySelectorAll('[data-trimmed]'),
    function (/** @type {HTMLElement} */ node) {
      node.hidden = false;
      node.removeAttribute('data-trimmed');
    });
  Array.prototype.forEach.call(view.querySelectorAll('[data-start]'),
    function (/** @type {HTMLElement} */ node) { node.setAttribute('data-start', '0'); });
  Array.prototype.forEach.call(view.querySelectorAll('.fit-more'),
    function (/** @type {HTMLElement} */ node) {
      if (node.parentNode) {
        node.parentNode.removeChild(node);
      }
    });
}

/**
 * The line that says how many items are not shown.
 * @param {HTMLElement} list
 * @returns {HTMLElement}
 */
function moreLine(list) {
  let node;
  if (list.tagName === 'TBODY') {
    node = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 99;
    node.appendChild(cell);
  } else {
    node = document.createElement(list.tagName === 'UL' || list.tagName === 'OL' ? 'li' : 'p');
  }
  node.className = 'fit-more';
  return node;
}

/**
 * The items of a list that trimming may hide.
 * @param {HTMLElement} list
 * @returns {Array<HTMLElement>}
 */
function itemsOf(list) {
  return /** @type {Array<HTMLElement>} */ (Array.prototype.filter.call(list.children,
    function (/** @type {Element} */ c) { return c.classList.contains('fit-item'); }));
}

/**
 * Show the first ``keep`` items of a list and a line counting the rest.
 * @param {HTMLElement} list
 * @param {Array<HTMLElement>} items
 * @param {HTMLElement} more
 * @param {number} keep
 */
function showFirst(list, items, more, keep) {
  list.setAttribute('data-start', '0');
  items.forEach(function (item, i) {
    const hide = i >= keep;
    item.hidden = hide;
    if (hide) {
      item.setAttribute('data-trimmed', '');
    } else {
      item.removeAttribute('data-trimmed');
    }
  });
  const rest = items.length - keep;
  // A list may say how many it never lists (data-extra: those at a table who did not agree
  // to show their name) in a line of its own (.fit-extra, 「ほか 2名」); once the list is
  // shortened, its counting line counts them too, and that line goes.
  const extra = parseInt(list.getAttribute('data-extra') || '', 10) || 0;
  Array.prototype.forEach.call(list.children, function (/** @type {HTMLElement} */ c) {
    if (c.classList.contains('fit-extra')) {
      c.hidden = rest > 0;
      if (rest > 0) {
        c.setAttribute('data-trimmed', '');
      } else {
        c.removeAttribute('data-trimmed');
      }
    }
  });
  if (rest > 0) {
    const words = t(list.getAttribute('data-more') || 'screen.more', {n: rest + extra});
    const target = more.firstElementChild || more;
    target.textContent = words;
    if (more.parentNode !== list) {
      list.appendChild(more);
    }
  } else if (more.parentNode) {
    more.parentNode.removeChild(more);
  }
}

/**
 * How many items of a list show whole inside ``box``, leaving room below for the line
 * that counts the rest: the items before the first that ends past the box's bottom or
 * right edge (in a list of several columns, the rest flow into columns out of sight).
 * @param {HTMLElement} box
 * @param {Array<HTMLElement>} items
 * @param {number} room the height the counting line needs
 * @returns {number}
 */
function visibleCount(box, items, room) {
  const edge = box.getBoundingClientRect();
  const style = window.getComputedStyle(box);
  const bottom = edge.bottom - (parseFloat(style.paddingBottom) || 0)
    - (parseFloat(style.borderBottomWidth) || 0);
  const right = edge.right + 1;
  for (let i = 0; i < items.length; i++) {
    const r = items[i].getBoundingClientRect();
    if (r.bottom > bottom - room || r.right > right) {
      return i;
    }
  }
  return items.length;
}

/**
 * Shorten the lists of every box that still overflows. All the lists of one box are held
 * to the same length, the longest that fits. The lengths are first read from where the
 * items lie (one layout for all boxes), then checked, and shortened further if need be.
 * @param {HTMLElement} view
 */
function trim(view) {
  const jobs = boxesOf(view).filter(function (box) { return !boxFits(box); })
    .map(function (box) {
      // A list that is a box of its own (each kind's column of notes) is shortened by its
      // own job, to its own length: holding it to its neighbours' would leave it half empty.
      const lists = /** @type {Array<HTMLElement>} */ (box.classList.contains('fit-list')
        ? [box] : Array.prototype.filter.call(box.querySelectorAll('.fit-list'),
          function (/** @type {Element} */ l) { return !l.classList.contains('fit-box'); }));
      const all = lists.map(itemsOf);
      const room = lists.length
        ? 1.6 * (parseFloat(window.getComputedStyle(lists[0]).fontSize) || 16) : 0;
      const cap = all.reduce(function (m, items) {
        return Math.min(m, visibleCount(box, items, room));
      }, Infinity);
      return {box: box, lists: lists, all: all, mores: lists.map(moreLine),
        cap: Math.max(0, Math.min(cap, all.reduce(function (m, items) {
          return Math.max(m, items.length - 1);
        }, 0)))};
    });
  /** @param {{lists: Array<HTMLElement>, all: Array<Array<HTMLElement>>,
   *   mores: Array<HTMLElement>, cap: number}} job */
  function hold(job) {
    job.lists.forEach(function (list, i) { showFirst(list, job.all[i], job.mores[i], job.cap); });
  }
  jobs.forEach(hold);
  jobs.forEach(function (job) {
    while (job.cap > 0 && !boxFits(job.box)) {
      job.cap -= 1;
      hold(job);
    }
    // The guess from where the items lay is short in a list of several columns (each
    // column's foot kept room for the counting line, which needs it only once), and in a
    // list that flows along lines (the names at a table: the line follows the last name on
    // its line): grow it while it still fits.
    const most = job.all.reduce(function (m, items) { return Math.max(m, items.length); }, 0);
    while (job.cap < most - 1 && boxFits(job.box)) {
      job.cap += 1;
      hold(job);
      if (!boxFits(job.box)) {
        job.cap -= 1;
        hold(job);
        break;
      }
    }
    // A box with no room even for the counting line (a small card on a full board, whose
    // head already says how many it holds) loses the line rather than show it cut in half;
    // so does one that shows none of its items and says their number in its head
    // (data-counted: 「付箋 12枚」 over 「ほか 12枚」 says it twice).
    if (job.cap === 0 && (job.box.hasAttribute('data-counted') || !boxFits(job.box))) {
      job.mores.forEach(function (more) {
        if (more.parentNode) {
          more.parentNode.removeChild(more);
        }
      });
    }
  });
}

/**
 * Shorten one box's lists again at the board's present size, after its content was
 * rebuilt (the 共感 chart at a vote): the rest of the board is neither measured nor moved.
 * @param {HTMLElement} box
 */
export function refit(box) {
  untrim(box);
  trim(box);
}

/**
 * Choose the largest size with which ``view`` fits, trimming lists past the smallest.
 * @param {HTMLElement} root the element that carries the "fit-<n>" class
 * @param {HTMLElement} view the element whose boxes must fit
 * @param {number} levels how many sizes there are
 * @param {function(number): void} [prepare] called at each size before it is measured
 *   (to lay out what CSS alone cannot, such as how many columns each kind gets)
 * @param {number} [hint] the size chosen last time (a board changes little at a time)
 * @returns {number} the level chosen
 */
export function fit(root, view, levels, prepare, hint) {
  untrim(view);
  /** @type {Object<number, boolean>} */
  const known = {};
  let current = 0;
  /** @param {number} i @returns {boolean} */
  function tryLevel(i) {
    if (current !== i) {
      current = i;
      setLevel(root, i, levels);
      if (prepare) {
        prepare(i);
      }
    }
    if (!(i in known)) {
      known[i] = viewFits(view, i);
    }
    return known[i];
  }
  let level;
  if (hint && hint >= 1 && hint <= levels) {
    // From last time's size: one larger when it fits, else smaller until it fits.
    level = hint;
    if (tryLevel(level)) {
      while (level > 1 && tryLevel(level - 1)) {
        level -= 1;
      }
    } else {
      while (level < levels && !tryLevel(level + 1)) {
        level += 1;
      }
      level = Math.min(levels, level + 1);
    }
  } else if (tryLevel(1)) {
    level = 1; // a quiet board
  } else {
    // The largest size that fits, by halving: a full board is not laid out at every size.
    let low = 2;
    let high = levels;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (tryLevel(mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    level = low;
  }
  tryLevel(level);
  trim(view);
  return level;
}

/**
 * The fit-box that holds a list (the list itself, when it is one).
 * @param {HTMLElement} list
 * @param {HTMLElement} view
 * @returns {HTMLElement}
 */
function boxOf(list, view) {
  const box = list.classList.contains('fit-box') ? list
    : /** @type {?HTMLElement} */ (list.parentElement && list.parentElement.closest('.fit-box'));
  return box || view;
}

/**
 * Show the next items of every rotating list of ``view`` that fit() shortened: those after
 * the last one shown (from the first again after the end), as many as fit whole, with the
 * line counting the others. The first shown is kept in data-start (tests read it).
 * @param {HTMLElement} view
 * @returns {boolean} whether anything turned
 */
export function turn(view) {
  let turned = false;
  Array.prototype.forEach.call(view.querySelectorAll('.fit-list[data-rotate]'),
    function (/** @type {HTMLElement} */ list) {
      const more = /** @type {?HTMLElement} */ (Array.prototype.find.call(list.children,
        function (/** @type {Element} */ c) { return c.classList.contains('fit-more'); }));
      const items = itemsOf(list);
      if (!more || !items.length) {
        return; // everything shows (or there is no room even for the line): nothing to turn
      }
      let last = -1;
      items.forEach(function (item, i) { if (!item.hidden) { last = i; } });
      const start = last + 1 >= items.length ? 0 : last + 1;
      const box = boxOf(list, view);
      const target = more.firstElementChild || more;
      items.forEach(function (item) { item.hidden = true; item.setAttribute('data-trimmed', ''); });
      let shown = 0;
      for (let i = start; i < items.length; i++) {
        items[i].hidden = false;
        items[i].removeAttribute('data-trimmed');
        target.textContent = t(list.getAttribute('data-more') || 'screen.more',
          {n: items.length - shown - 1});
        if (shown > 0 && !boxFits(box)) {
          items[i].hidden = true;
          items[i].setAttribute('data-trimmed', '');
          break;
        }
        shown += 1;
      }
      target.textContent = t(list.getAttribute('data-more') || 'screen.more',
        {n: items.length - shown});
      list.setAttribute('data-start', String(start));
      turned = true;
    });
  return turned;
}
