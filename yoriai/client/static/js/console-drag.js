// Dragging a note's chip with a pointer (step 2): a mouse drags the whole chip, a finger or
// a pen only its grip (a finger elsewhere on a chip scrolls the page). Built on Pointer
// Events, since HTML5 drag and drop does not work with touch. A picture of the chip follows
// the pointer, the drop zone under it ([data-drop]) is marked, and near the window's top or
// bottom the page scrolls. What a drop does is console-move.js's (setupDragging's onDrop).

import {render} from './console-core.js';

// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX = 6;
// Near the window's top or bottom edge a drag scrolls the page, this much per move.
const EDGE_PX = 70;
const EDGE_STEP_PX = 24;

/**
 * @typedef {{noteId: string, pointerId: number, x: number, y: number, dx: number, dy: number,
 *   source: HTMLElement, ghost: (HTMLElement|null), over: (HTMLElement|null)}} Drag
 */
/** @type {(Drag|null)} */
let drag = null;
/** A drag just ended: the click that follows it is not a click. */
let swallowClick = false;
/** What a drop does: the note dropped, and the drop zone's data-drop. @type {function(string, string): void} */
let dropped = function () {};
/** Called when a drag starts (an open menu closes). @type {function(): void} */
let started = function () {};

/** @param {PointerEvent} ev */
function onPointerDown(ev) {
  const target = /** @type {HTMLElement} */ (ev.target);
  const card = /** @type {(HTMLElement|null)} */ (target.closest('.sort-card'));
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
  drag = {noteId: card.getAttribute('data-note-id') || '', pointerId: ev.pointerId,
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
  const zone = under ? /** @type {(HTMLElement|null)} */ (under.closest('[data-drop]')) : null;
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
  started();
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
      dropped(d.noteId, zone.getAttribute('data-drop') || '');
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
 * Wire the pointer and the Escape key, once.
 * @param {HTMLElement} area where chips are pressed
 * @param {function(string, string): void} onDrop a note dropped on a zone's data-drop
 * @param {function(): void} onStart a drag begins
 */
export function setupDragging(area, onDrop, onStart) {
  dropped = onDrop;
  started = onStart;
  area.addEventListener('pointerdown', onPointerDown);
  document.addEventListener('pointermove', onPointerMove, {passive: false});
  document.addEventListener('pointerup', onPointerUp);
  document.addEventListener('pointercancel', cancelDrag);
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && drag) {
      cancelDrag();
    }
  });
}
