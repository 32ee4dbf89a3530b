// The map itself on the facilitator's console: the district's image with a pin for every
// note that has a place, which the facilitator drags to move, and, for the keyboard, selects
// and moves with the arrow keys (Enter puts it down, Esc takes it back, Delete takes the pin
// off). The same stage picks a place (代理入力's note, a note without a place) by a click or
// by a cross moved with the arrow keys, and draws the rectangle the projector is to show.
//
// Positions are the domain's grid (docs/protocol.md: integers 0..MAP_GRID on each axis,
// 0 the left/top edge), drawn as percentages of the box, so the stage can be any size; the
// box keeps the image's aspect from the header's width/height before the image has loaded.
// A pin's place is the centre of its shape (the projector and the phone draw it so too).
// This module decides nothing: it calls back with what the hand did (console-map.js sends).

import {el, icon, t} from './page.js';

/**
 * @typedef {{x: number, y: number}} Pin a place on the grid
 * @typedef {{x: number, y: number, w: number, h: number}} Area a rectangle on the grid
 * @typedef {{id: string, kind: string, text: string, pin: Pin, label: string,
 *   faded: boolean, selected: boolean}} StagePin what the stage draws for one note
 * @typedef {{
 *   onMove: function(string, Pin): void,
 *   onSelect: function(string): void,
 *   onRemove: function(string): void,
 *   onPick: function(Pin): void,
 *   onArea: function(Area): void,
 * }} Hands what the stage reports
 */

// A press that moves less than this many CSS pixels is a click (select, pick), not a drag:
// a hand on a trackpad wobbles a little while clicking.
const CLICK_SLOP_PX = 4;
// One arrow key press moves a pin or the cross a hundredth of the map; with Shift a
// tenth of that, for the last bit.
const KEY_STEP = 100;
const KEY_STEP_FINE = 10;
// The keyboard's frame for the projector moves and grows by a twentieth of the map (with
// Shift a hundredth): the frame is large, a pin's step would take long to cross the map.
const FRAME_STEP = 500;
const FRAME_STEP_FINE = 100;

export class MapStage {
  /**
   * @param {number} grid the grid's extent (limits.MAP_GRID)
   * @param {Hands} hands
   */
  constructor(grid, hands) {
    this.grid = grid;
    this.hands = hands;
    /** @type {string} the image shown ('' none) */
    this.src = '';
    /** @type {('pins'|'pick'|'area')} what a press on the map does */
    this.mode = 'pins';
    /** @type {(Pin|null)} the cross of the pick mode, for the keyboard */
    this.cross = null;
    /** @type {Object<string, Pin>} where a pin is being moved to by the keyboard */
    this.moving = {};
    /** the smallest area's side (limits.MAP_AREA_MIN), for the keyboard's frame */
    this.least = Math.round(grid / 10);
    /** @type {(Area|null)} the projector's area now, and the keyboard's frame for a new one */
    this.area = null;
    /** @type {(Area|null)} */
    this.frameArea = null;
    /** whether the mouse is framing an area (a redraw then leaves the frame be) */
    this.dragging = false;
    this.img = /** @type {HTMLImageElement} */ (el('img', {class: 'map-image', alt: '',
      draggable: 'false'}));
    this.pins = el('div', {class: 'map-pins'});
    this.areaBox = el('div', {class: 'map-area', hidden: true});
    this.drawn = el('div', {class: 'map-area is-drawing', hidden: true});
    this.picked = el('div', {class: 'map-picked', hidden: true, 'aria-hidden': 'true'});
    this.crossBox = el('div', {class: 'map-cross', hidden: true, 'aria-hidden': 'true'});
    this.box = el('div', {id: 'map-stage', class: 'map-stage', 'data-fk': 'map-stage'},
      [this.img, this.areaBox, this.pins, this.picked, this.crossBox, this.drawn]);
    this.box.addEventListener('pointerdown', this.press.bind(this));
    this.box.addEventListener('keydown', this.key.bind(this));
    const self = this;
    // Enter or Space on a pin (a click with no pointer: detail 0) selects it.
    this.box.addEventListener('click', function (ev) {
      const pinNode = /** @type {Element} */ (ev.target).closest('.map-pin');
      if (pinNode && ev.detail === 0) {
        self.hands.onSelect(pinNode.getAttribute('data-note-id') || '');
      }
    });
  }

  /**
   * Grid point under a pointer, clamped to the map.
   * @param {number} clientX
   * @param {number} clientY
   * @returns {Pin}
   */
  gridAt(clientX, clientY) {
    const r = this.box.getBoundingClientRect();
    const g = this.grid;
    const clamp = function (/** @type {number} */ v) {
      return Math.max(0, Math.min(g, Math.round(v)));
    };
    return {x: clamp((clientX - r.left) / r.width * g), y: clamp((clientY - r.top) / r.height * g)};
  }

  /**
   * @param {HTMLElement} node
   * @param {Pin} pin
   */
  place(node, pin) {
    node.style.left = (pin.x / this.grid * 100) + '%';
    node.style.top = (pin.y / this.grid * 100) + '%';
  }

  /**
   * @param {HTMLElement} node
   * @param {Area} a
   */
  frame(node, a) {
    const g = this.grid;
    node.style.left = (a.x / g * 100) + '%';
    node.style.top = (a.y / g * 100) + '%';
    node.style.width = (a.w / g * 100) + '%';
    node.style.height = (a.h / g * 100) + '%';
  }

  /**
   * Draw the map and its pins.
   * @param {{src: string, width: number, height: number, alt: string, pins: Array<StagePin>,
   *   area: (Area|null), picked: (Pin|null), mode: ('pins'|'pick'|'area')}} view
   */
  draw(view) {
    if (this.src !== view.src) {
      this.src = view.src;
      this.img.src = view.src;
    }
    this.img.alt = view.alt;
    this.box.style.aspectRatio = view.width + ' / ' + view.height;
    this.mode = view.mode;
    this.box.setAttribute('data-mode', view.mode);
    // In the pick mode the map itself takes the keyboard (the cross); otherwise the pins do.
    // In the pick and area modes the map itself takes the keyboard (the cross, the frame);
    // otherwise the pins do.
    const keys = view.mode === 'pick' || view.mode === 'area';
    this.box.setAttribute('tabindex', keys ? '0' : '-1');
    this.box.setAttribute('role', keys ? 'application' : 'group');
    this.box.setAttribute('aria-label', view.mode === 'pick' ? t('console.map.pick_keys')
      : view.mode === 'area' ? t('console.map.area_keys') : view.alt);
    this.area = view.area;
    if (view.mode !== 'pick') {
      this.cross = null;
    }
    if (view.mode !== 'area') {
      this.frameArea = null;
    }
    if (!this.dragging) {
      this.drawn.hidden = !this.frameArea;
      if (this.frameArea) {
        this.frame(this.drawn, this.frameArea);
      }
    }
    this.crossBox.hidden = !this.cross;
    if (this.cross) {
      this.place(this.crossBox, this.cross);
    }
    this.picked.hidden = !view.picked;
    if (view.picked) {
      this.place(this.picked, view.picked);
    }
    this.areaBox.hidden = !view.area;
    if (view.area) {
      this.frame(this.areaBox, view.area);
    }
    this.drawPins(view.pins);
  }

  /** @param {Array<StagePin>} pins */
  drawPins(pins) {
    const self = this;
    /** @type {Object<string, HTMLElement>} */
    const old = {};
    Array.prototype.forEach.call(this.pins.children, function (/** @type {HTMLElement} */ n) {
      old[n.getAttribute('data-note-id') || ''] = n;
    });
    const seen = new Set();
    pins.forEach(function (p) {
      seen.add(p.id);
      let node = old[p.id];
      if (!node || node.getAttribute('data-kind') !== p.kind) {
        if (node) {
          node.remove();
        }
        node = el('button', {type: 'button', class: 'map-pin kind-' + p.kind,
          'data-note-id': p.id, 'data-kind': p.kind, 'data-fk': 'map-pin:' + p.id},
        [icon(p.kind)]);
        self.pins.appendChild(node);
      }
      const moving = self.moving[p.id];
      const at = moving || p.pin;
      self.place(node, at);
      node.setAttribute('data-x', String(at.x));
      node.setAttribute('data-y', String(at.y));
      node.setAttribute('aria-label', p.label);
      node.setAttribute('title', p.text);
      node.setAttribute('aria-pressed', p.selected ? 'true' : 'false');
      node.classList.toggle('is-faded', p.faded);
      node.classList.toggle('is-moving', !!moving);
    });
    Object.keys(old).forEach(function (id) {
      if (!seen.has(id)) {
        old[id].remove();
        delete self.moving[id];
      }
    });
  }

  /**
   * A press on the map: drag a pin, pick a place, or draw the projector's rectangle.
   * @param {PointerEvent} ev
   */
  press(ev) {
    if (ev.button !== 0) {
      return;
    }
    const target = /** @type {Element} */ (ev.target);
    const pinNode = /** @type {(HTMLElement|null)} */ (target.closest('.map-pin'));
    const start = {x: ev.clientX, y: ev.clientY};
    const self = this;
    let dragged = false;
    /** @param {PointerEvent} e */
    const far = function (e) {
      return Math.abs(e.clientX - start.x) + Math.abs(e.clientY - start.y) > CLICK_SLOP_PX;
    };
    if (this.mode === 'area') {
      ev.preventDefault();
      const from = this.gridAt(ev.clientX, ev.clientY);
      /** @param {PointerEvent} e @returns {Area} */
      const rect = function (e) {
        const to = self.gridAt(e.clientX, e.clientY);
        return {x: Math.min(from.x, to.x), y: Math.min(from.y, to.y),
          w: Math.abs(to.x - from.x), h: Math.abs(to.y - from.y)};
      };
      this.frameArea = null;
      this.dragging = true;
      this.follow(ev, function (e) {
        dragged = dragged || far(e);
        self.drawn.hidden = !dragged;
        self.frame(self.drawn, rect(e));
      }, function (e) {
        self.dragging = false;
        self.drawn.hidden = true;
        if (dragged) {
          self.hands.onArea(rect(e));
        }
      });
      return;
    }
    if (pinNode) {
      ev.preventDefault();  // no text selection, no image drag; the click still comes
      const id = pinNode.getAttribute('data-note-id') || '';
      this.follow(ev, function (e) {
        dragged = dragged || far(e);
        if (dragged) {
          pinNode.classList.add('is-dragging');
          self.place(pinNode, self.gridAt(e.clientX, e.clientY));
        }
      }, function (e) {
        pinNode.classList.remove('is-dragging');
        if (dragged) {
          self.hands.onMove(id, self.gridAt(e.clientX, e.clientY));
        } else {
          const chosen = self.underneath(pinNode, e.clientX, e.clientY);
          chosen.focus({preventScroll: true});
          self.hands.onSelect(chosen.getAttribute('data-note-id') || '');
        }
      });
      return;
    }
    if (this.mode === 'pick') {
      this.follow(ev, function (e) {
        dragged = dragged || far(e);
      }, function (e) {
        if (!dragged) {
          self.hands.onPick(self.gridAt(e.clientX, e.clientY));
        }
      });
    }
  }

  /**
   * The pin a click chooses: the one on top, but a click on the selected pin where pins lie
   * on one another chooses the next of them (in the pins' order), so that each can be had.
   * @param {HTMLElement} top the pin clicked
   * @param {number} clientX
   * @param {number} clientY
   * @returns {HTMLElement}
   */
  underneath(top, clientX, clientY) {
    if (top.getAttribute('aria-pressed') !== 'true') {
      return top;
    }
    const here = document.elementsFromPoint(clientX, clientY);
    /** @type {Array<HTMLElement>} */
    const stack = Array.prototype.filter.call(this.pins.children,
      function (/** @type {Element} */ n) { return here.indexOf(n) >= 0; });
    return stack.length > 1 ? stack[(stack.indexOf(top) + 1) % stack.length] : top;
  }

  /**
   * Follow one pointer until it is let go (captured, so a drag may leave the map).
   * @param {PointerEvent} ev
   * @param {function(PointerEvent): void} onMove
   * @param {function(PointerEvent): void} onUp
   */
  follow(ev, onMove, onUp) {
    const box = this.box;
    const self = this;
    try {
      box.setPointerCapture(ev.pointerId);
    } catch (e) {
      // a pointer the browser no longer knows: the listeners still get its moves
    }
    /** @param {PointerEvent} e */
    const move = function (e) {
      if (e.pointerId === ev.pointerId) {
        onMove(e);
      }
    };
    /** @param {PointerEvent} e */
    const up = function (e) {
      if (e.pointerId !== ev.pointerId) {
        return;
      }
      box.removeEventListener('pointermove', move);
      box.removeEventListener('pointerup', up);
      box.removeEventListener('pointercancel', up);
      self.dragging = false;
      if (e.type === 'pointerup') {
        onUp(e);
      }
    };
    box.addEventListener('pointermove', move);
    box.addEventListener('pointerup', up);
    box.addEventListener('pointercancel', up);
  }

  /**
   * The keyboard: a focused pin moves with the arrows (Enter puts it down, Esc takes the
   * move back, Delete takes the pin off); in the pick mode the cross moves, Enter picks.
   * @param {KeyboardEvent} ev
   */
  key(ev) {
    const target = /** @type {Element} */ (ev.target);
    const pinNode = /** @type {(HTMLElement|null)} */ (target.closest('.map-pin'));
    const step = ev.shiftKey ? KEY_STEP_FINE : KEY_STEP;
    /** @type {Object<string, Array<number>>} */
    const arrows = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step],
      ArrowDown: [0, step]};
    const by = arrows[ev.key];
    const g = this.grid;
    /** @param {Pin} p @returns {Pin} */
    const moved = function (p) {
      return {x: Math.max(0, Math.min(g, p.x + by[0])), y: Math.max(0, Math.min(g, p.y + by[1]))};
    };
    if (pinNode) {
      const id = pinNode.getAttribute('data-note-id') || '';
      const now = {x: Number(pinNode.getAttribute('data-x')),
        y: Number(pinNode.getAttribute('data-y'))};
      if (by) {
        ev.preventDefault();
        this.moving[id] = moved(this.moving[id] || now);
        this.place(pinNode, this.moving[id]);
        pinNode.setAttribute('data-x', String(this.moving[id].x));
        pinNode.setAttribute('data-y', String(this.moving[id].y));
        pinNode.classList.add('is-moving');
        this.hands.onSelect(id);
      } else if (ev.key === 'Enter' && this.moving[id]) {
        ev.preventDefault();  // not a click: the pin is put down, not selected again
        const to = this.moving[id];
        delete this.moving[id];
        this.hands.onMove(id, to);
      } else if (ev.key === 'Escape' && this.moving[id]) {
        ev.preventDefault();
        delete this.moving[id];
        this.hands.onSelect(id);  // redraws it where it was
      } else if (ev.key === 'Delete' || ev.key === 'Backspace') {
        ev.preventDefault();
        delete this.moving[id];
        this.hands.onRemove(id);
      }
      return;
    }
    if (this.mode === 'area' && target === this.box) {
      this.frameKey(ev);
      return;
    }
    if (this.mode === 'pick' && target === this.box) {
      if (by) {
        ev.preventDefault();
        this.cross = moved(this.cross || {x: Math.round(g / 2), y: Math.round(g / 2)});
        this.crossBox.hidden = false;
        this.place(this.crossBox, this.cross);
      } else if ((ev.key === 'Enter' || ev.key === ' ') && this.cross) {
        ev.preventDefault();
        this.hands.onPick(this.cross);
      }
    }
  }

  /**
   * The keyboard's way to frame the projector's area: the frame starts as the area shown
   * (or a third of the map in the middle); the arrows move it, + and - grow and shrink it,
   * Enter shows it.
   * @param {KeyboardEvent} ev
   */
  frameKey(ev) {
    const g = this.grid;
    const step = ev.shiftKey ? FRAME_STEP_FINE : FRAME_STEP;
    /** @type {Object<string, Array<number>>} */
    const arrows = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step],
      ArrowDown: [0, step]};
    const third = Math.round(g / 3);
    const f = this.frameArea || this.area || {x: third, y: third, w: third, h: third};
    let next = null;
    if (arrows[ev.key]) {
      next = {x: f.x + arrows[ev.key][0], y: f.y + arrows[ev.key][1], w: f.w, h: f.h};
    } else if (ev.key === '+' || ev.key === '=' || ev.key === '-') {
      const by = (ev.key === '-' ? -1 : 1) * step;
      const w = Math.max(this.least, Math.min(g, f.w + 2 * by));
      const h = Math.max(this.least, Math.min(g, f.h + 2 * by));
      next = {x: f.x + Math.round((f.w - w) / 2), y: f.y + Math.round((f.h - h) / 2), w: w, h: h};
    } else if ((ev.key === 'Enter' || ev.key === ' ') && this.frameArea) {
      ev.preventDefault();
      const chosen = this.frameArea;
      this.frameArea = null;
      this.drawn.hidden = true;
      this.hands.onArea(chosen);
      return;
    }
    if (next) {
      ev.preventDefault();
      next.x = Math.max(0, Math.min(g - next.w, next.x));
      next.y = Math.max(0, Math.min(g - next.h, next.y));
      this.frameArea = next;
      this.drawn.hidden = false;
      this.frame(this.drawn, next);
    }
  }
}
