// Dragging a chip with a pointer — a note's chip into a theme (step 2), a person's chip to
// another table (the テーブル panel): a mouse drags the whole chip, a finger or a pen only
// its grip (a finger elsewhere on a chip scrolls the page). Built on Pointer Events, since
// HTML5 drag and drop does not work with touch. A picture of the chip follows the pointer,
// the drop zone under it is marked, and near the window's top or bottom the page scrolls.
// Each area says what its chips and its drop zones are, and what a drop does (console-move.js
// for notes, console-tables.js for people), so that this module knows neither.

import {render} from './console-core.js';

// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 6;
// Near the window's top or bottom edge a drag scrolls the page, this much per move.
const EDGE_PX = 70;
const EDGE_STEP_PX = 24;

/**
 * One area where chips are dragged.
 * @typedef {{chip: string, idAttr: string, zoneAttr: string,
 *   onDrop: function(string, string): void, onStart: function(): void}} Area
 *   chip: a selector for a draggable chip; idAttr: the chip's attribute naming what it
 *   carries; zoneAttr: the attribute that makes an element a drop zone (its value is what
 *   the drop is given); onDrop(id, zone value); onStart: a drag begins (an open menu closes)
 */
/**
 * @typedef {{area: Area, itemId: string, pointerId: number, x: number, y: number, dx: number,
 *   dy: number, source: HTMLElement, ghost: (HTMLElement|null), over: (HTMLElement|null)}} Drag
 */
/** @type {(Drag|null)} */
let drag = null;
/** A drag just ended: the click that follows it is not a click. */
let swallowClick = false;
/** Whether the document's own listeners are in place (once, whatever the areas). */
let wired = false;

/**
 * @param {Area} area
 * @param {PointerEvent} ev
 */
function onPointerDown(area, ev) {
  const target = /** @type {HTMLElement} */ (ev.target);
  const card = /** @type {(HTMLElement|null)} */ (target.closest(area.chip));
  if (!card || ev.button !== 0 || drag) {
    return;
  }
  if (target.closest('[role="menu"], input, textarea, select')) {
    return;
  }
  // A finger on a card scrolls the page; only the grip drags.
  if (ev.pointerType !== 'mouse' && !target.closest('.drag-handle')) {
    return;
  }
  const box = card.getBoundingClientRect();
  drag = {area: area, itemId: card.getAttribute(area.idAttr) || '', pointerId: ev.pointerId,
    x: ev.clientX, y: ev.clientY, dx: ev.clientX - box.left, dy: ev.clientY - box.top,
    source: card, ghost: null, over: null};
}

/** @param {PointerEvent} ev */
function onPointerMove(ev) {
  if (!drag || ev.pointerId !== drag.pointerId) {
    return;
  }
  if (!drag.ghost) {
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < DRAG_THRESHOLD_PX) {
      return;
    }
    startDrag();
  }
  ev.preventDefault();
  const ghost = /** @type {HTMLElement} */ (drag.ghost);
  ghost.style.transform = 'translate(' + (ev.clientX - drag.dx) + 'px, ' +
    (ev.clientY - drag.dy) + 'px)';
  const under = document.elementFromPoint(ev.clientX, ev.clientY);
  const zone = under
    ? /** @type {(HTMLElement|null)} */ (under.closest('[' + drag.area.zoneAttr + ']')) : null;
  if (zone !== drag.over) {
    if (drag.over) {
      drag.over.classList.remove('drop-over');
    }
    if (zone) {
      zone.classList.add('drop-over');
    }
    drag.over = zone;
  }
  if (ev.clientY < EDGE_PX) {
    window.scrollBy(0, -EDGE_STEP_PX);
  } else if (ev.clientY > window.innerHeight - EDGE_PX) {
    window.scrollBy(0, EDGE_STEP_PX);
  }
}

function startDrag() {
  const d = /** @type {Drag} */ (drag);
  const ghost = /** @type {HTMLElement} */ (d.source.cloneNode(true));
  ghost.classList.add('drag-ghost');
  ghost.removeAttribute('data-key');
  ghost.setAttribute('aria-hidden', 'true');
  // A picture of the card, not a second card: no ids, no focus keys, no open menu.
  Array.prototype.forEach.call(ghost.querySelectorAll('[id], [data-fk], .move-menu'),
    function (/** @type {HTMLElement} */ node) {
      if (node.classList.contains('move-menu')) {
        node.remove();
        return;
      }
      node.removeAttribute('id');
      node.removeAttribute('data-fk');
    });
  ghost.style.width = d.source.getBoundingClientRect().width + 'px';
  document.body.appendChild(ghost);
  d.ghost = ghost;
  d.source.classList.add('is-dragging');
  document.body.classList.add('dragging');
  d.area.onStart();
}

/** @param {PointerEvent} ev */
function onPointerUp(ev) {
  if (!drag || ev.pointerId !== drag.pointerId) {
    return;
  }
  const d = drag;
  const zone = d.over;
  endDrag();
  if (d.ghost) {
    swallowClick = true;
    window.setTimeout(function () { swallowClick = false; }, 0);
    if (zone) {
      d.area.onDrop(d.itemId, zone.getAttribute(d.area.zoneAttr) || '');
    }
    render();
  }
}

function endDrag() {
  if (!drag) {
    return;
  }
  if (drag.ghost && drag.ghost.parentNode) {
    drag.ghost.parentNode.removeChild(drag.ghost);
  }
  if (drag.over) {
    drag.over.classList.remove('drop-over');
  }
  drag.source.classList.remove('is-dragging');
  document.body.classList.remove('dragging');
  drag = null;
}

function cancelDrag() {
  const started = !!(drag && drag.ghost);
  endDrag();
  if (started) {
    render();
  }
}

/** @returns {boolean} whether a card is being dragged (the board waits for the drop) */
export function dragging() {
  return !!(drag && drag.ghost);
}

/** @returns {boolean} whether a press is under way (a drag may be starting) */
export function pressing() {
  return !!drag;
}

/** @returns {boolean} whether this click is the end of a drag, not a click */
export function justDropped() {
  return swallowClick;
}

/**
 * Wire an area's pointer, and (once) the document's moves, releases and Escape key.
 * @param {HTMLElement} where where the area's chips are pressed
 * @param {function(string, string): void} onDrop an item dropped on a zone (the zone's value)
 * @param {function(): void} onStart a drag begins
 * @param {{chip?: string, idAttr?: string, zoneAttr?: string}} [kind] the area's chips and
 *   zones (by default a note's chip, data-note-id, data-drop)
 */
export function setupDragging(where, onDrop, onStart, kind) {
  const k = kind || {};
  /** @type {Area} */
  const area = {chip: k.chip || '.sort-card', idAttr: k.idAttr || 'data-note-id',
    zoneAttr: k.zoneAttr || 'data-drop', onDrop: onDrop, onStart: onStart};
  where.addEventListener('pointerdown', function (ev) { onPointerDown(area, ev); });
  if (wired) {
    return;
  }
  wired = true;
  document.addEventListener('pointermove', onPointerMove, {passive: false});
  document.addEventListener('pointerup', onPointerUp);
  document.addEventListener('pointercancel', cancelDrag);
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && drag) {
      cancelDrag();
    }
  });
}
