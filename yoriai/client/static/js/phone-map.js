// The district's map at the top of the note form in a map step (地図に付箋, issue 15): a tap
// on the map places the pin of the note being written, which 「この場所に貼る」 sends with it.
// phone-notes.js loads this module only when the room is in a map step and the workshop has
// a map, so a phone in an evening without one never fetches it, nor the image.
//
// A place is a point of the contract's grid (docs/protocol.md, MAP.md): x and y whole
// numbers from 0 (the image's left or top edge) to MAP_GRID (its right or bottom edge). A
// tap is read against the image's own box as it is shown (zoomed and panned), never the
// page or the screen: x = round((tap − image's left) / image's shown width × MAP_GRID).
//
// Zoom and pan: two fingers pinch; since one thumb cannot pinch, 拡大／縮小 buttons do the
// same in steps; one finger drags the zoomed map. The map refuses the browser's own touch
// handling (touch-action: none), or a pinch would zoom the whole page instead; so that the
// page still scrolls under a thumb resting on the map, a drag on the whole map (nothing to
// pan) scrolls the page, as it would anywhere else.
//
// Drawing reads no layout: the image and its pins sit in one layer moved by a CSS transform
// given in fractions of that layer (its size is reserved from the header's width and height
// before the image arrives), and the pins are scaled back so that they keep their size on
// the screen at every zoom. Only a gesture measures the boxes.
// The box is the image's own shape, except on a narrow screen (200% zoom, phone-map.css):
// there it is a usable share of the screen's height and the layer covers it (the image's
// shape, wider than the box), dragged sideways; its shape comes from a ResizeObserver.

import {t, el} from './page.js';
import {limit} from './vocab.js';

/**
 * @typedef {{x: number, y: number}} Pin a place on the map's grid
 * @typedef {{hash: string, title: string, width: number, height: number}} MapHeader
 *   the workshop header's map (MAP.md)
 * @typedef {{pin: Pin, kind: string}} Placed a note of this participant with its place
 * @typedef {{x: number, y: number}} Point a point on the screen, in CSS pixels
 */

/** Each 拡大 doubles the zoom and each 縮小 halves it: three presses go from the whole map
 * to the deepest zoom, few enough to count, each step large enough to see. */
const ZOOM_STEP = 2;
/** The deepest zoom: 8× of a 300 px box is 2,400 px across, a map stored at its largest
 * (MAP_LONG_SIDE_PX) shown at its own pixels; deeper would only show blur. */
const ZOOM_DEEPEST = 8;
/** How far a finger may wander (CSS px) and still be a tap, not a drag: an older hand
 * shakes a few pixels while it presses. */
const TAP_SLOP_PX = 12;
/** A step of the arrow keys, as a share of what the box shows: fine enough to aim, and 20
 * presses cross the view. */
const KEY_STEP = 0.05;
/** Room (CSS px) between the map brought into view and the bars above and below it. */
const FOCUS_GAP_PX = 4;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** The stylesheet of the map, fetched with this module (a phone that never meets a map
 * never fetches it). @type {(Promise<void>|null)} */
let styled = null;

/**
 * Fetch the map's stylesheet, beside app.css (the page's static address carries the
 * release's version).
 * @returns {Promise<void>} resolved once it applies (or failed to: the map is shown anyway)
 */
function loadStyle() {
  if (!styled) {
    styled = new Promise(function (done) {
      const app = /** @type {(HTMLLinkElement|null)} */ (document.querySelector(
        'link[rel="stylesheet"][href*="/css/app.css"]'));
      const link = /** @type {HTMLLinkElement} */ (el('link', {rel: 'stylesheet',
        href: app ? app.href.replace('/css/app.css', '/css/phone-map.css')
          : '/static/css/phone-map.css'}));
      link.addEventListener('load', function () { done(); });
      link.addEventListener('error', function () { done(); });
      document.head.appendChild(link);
    });
  }
  return styled;
}

/**
 * @param {number} value
 * @param {number} low
 * @param {number} high
 * @returns {number}
 */
function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

/**
 * A pin's picture: the kind's own shape in the kind's colour (the icons of the note cards,
 * as on the projector and in the exports), or, before a kind is chosen, a dark ring with a
 * dot at the place. Its centre is the place.
 * @param {string} kind a note kind, or ''
 * @param {string} cls
 * @returns {SVGSVGElement}
 */
function pinPicture(kind, cls) {
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS(SVG_NS, 'svg'));
  svg.setAttribute('class', 'map-pin ' + cls + (kind ? ' pin-' + kind : ' pin-unsorted'));
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (kind) {
    const use = document.createElementNS(SVG_NS, 'use');
    use.setAttribute('href', '#icon-' + kind);
    svg.appendChild(use);
  } else {
    [['8.5', 'pin-ring'], ['2.2', 'pin-dot']].forEach(function (part) {
      const circle = document.createElementNS(SVG_NS, 'circle');
      circle.setAttribute('cx', '12');
      circle.setAttribute('cy', '12');
      circle.setAttribute('r', part[0]);
      circle.setAttribute('class', part[1]);
      svg.appendChild(circle);
    });
  }
  return svg;
}

/**
 * The map of the note form: the image in a box of its own proportions, the pins, the zoom
 * buttons and the line that says what to do.
 */
export class MapPicker {
  /**
   * @param {HTMLElement} holder where the map goes (the note form's first part)
   * @param {string} code the workshop's code (the image's address)
   * @param {function(): void} changed told when the pin is placed or moved (draw again)
   */
  constructor(holder, code, changed) {
    this.holder = holder;
    this.code = code;
    this.changed = changed;
    this.grid = limit('MAP_GRID');
    /** The place chosen for the note being written. @type {(Pin|null)} */
    this.pin = null;
    /** The zoom (1: the whole map) and the point of the image (fractions of its width and
     * height) at the centre of the box. */
    this.scale = 1;
    this.cx = 0.5;
    this.cy = 0.5;
    /** The share of the layer's width and height the box shows at zoom 1 (less than 1 where
     * the layer covers it); the image's proportions (width / height), the box's once known. */
    this.rx = this.ry = this.aspect = 1;
    this.boxAspect = 0;
    /** The image shown (a new map starts afresh). */
    this.hash = '';
    /** What the pins were drawn from (drawn again only when it changes). */
    this.pinsKey = '';
    /** Fingers (or the mouse) down on the map, by pointer id. @type {Object<string, Point>} */
    this.down = {};
    /** The gesture under way: where it started and what it is.
     * @type {({kind: string, start: Point, last: Point, moved: boolean, scale: number,
     *   cx: number, cy: number, fx: number, fy: number, span: number}|null)} */
    this.gesture = null;

    // The question above the map stays as it is; the answer (a pin placed) is said under
    // it, so that the map never moves under the finger that just tapped it.
    // If the picture does not come, the question gives way to saying so (role alert).
    this.hint = el('p', {class: 'map-hint', text: t('phone.map.where')});
    /** Whether the picture failed to load (a tap on the map asks for it again). */
    this.failed = false;
    this.placed = el('p', {class: 'map-placed', 'aria-live': 'polite'});
    this.image = /** @type {HTMLImageElement} */ (el('img', {class: 'map-image', alt: '',
      draggable: 'false', decoding: 'async'}));
    this.pins = el('div', {class: 'map-pins', 'aria-hidden': 'true'});
    this.stage = el('div', {class: 'map-stage'}, [this.image, this.pins]);
    this.box = el('div', {class: 'map-box', tabindex: '0', role: 'group'}, [this.stage]);
    // The signs are the plain + and the minus sign (U+2212): the same in every language.
    this.zoomIn = this.zoomButton('+', '+', 'phone.map.zoom_in');
    this.zoomOut = this.zoomButton('-', '\u2212', 'phone.map.zoom_out');
    holder.appendChild(this.hint);
    holder.appendChild(this.box);
    holder.appendChild(el('div', {class: 'map-tools'}, [this.placed, this.zoomOut,
      this.zoomIn]));
    this.listen();
  }

  /**
   * @param {string} way + or -
   * @param {string} sign
   * @param {string} words
   * @returns {HTMLButtonElement}
   */
  zoomButton(way, sign, words) {
    const self = this;
    const button = /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
      class: 'button secondary map-zoom', 'data-zoom': way}, [
      el('span', {class: 'map-zoom-sign', 'aria-hidden': 'true', text: sign}),
      el('span', {class: 'map-zoom-word', text: t(words)})
    ]));
    button.addEventListener('click', function () {
      self.zoomBy(way === '+' ? ZOOM_STEP : 1 / ZOOM_STEP);
    });
    return button;
  }

  /**
   * Show the map and the pins as they are now.
   * @param {MapHeader} header
   * @param {string} kind the kind chosen in the form ('' before one is)
   * @param {Array<Placed>} mine this participant's notes with a place
   */
  show(header, kind, mine) {
    if (header.hash !== this.hash) {
      // Another map (or the first): its own proportions, the whole of it, no place yet.
      this.hash = header.hash;
      this.pin = null;
      this.scale = 1;
      this.cx = this.cy = 0.5;
      this.failed = false;
      this.box.style.setProperty('--map-w', String(Math.max(1, Number(header.width) || 1)));
      this.box.style.setProperty('--map-h', String(Math.max(1, Number(header.height) || 1)));
      this.aspect = Math.max(1, Number(header.width) || 1) /
        Math.max(1, Number(header.height) || 1);
      this.cover();
      this.fetchImage();
      this.apply();
    }
    const name = header.title ? t('phone.map.named', {title: header.title}) : t('phone.map.map');
    if (this.image.alt !== name) {
      this.image.alt = name;
    }
    const label = name + ' ' + t('phone.map.keys');
    if (this.box.getAttribute('aria-label') !== label) {
      this.box.setAttribute('aria-label', label);
    }
    const placed = this.pin ? t('phone.map.placed') : '';
    if (this.placed.textContent !== placed) {
      this.placed.textContent = placed;
    }
    this.drawPins(kind, mine);
  }

  /** Ask for the picture (again, after a failure: the Wi-Fi may be back). */
  fetchImage() {
    const self = this;
    /** @param {boolean} failed */
    function loaded(failed) {
      self.failed = failed;
      self.hint.textContent = t(failed ? 'phone.map.broken' : 'phone.map.where');
      self.hint.classList.toggle('is-broken', failed);
      self.hint.classList.remove('is-asking');
      if (failed) {
        self.hint.setAttribute('role', 'alert');
      } else {
        self.hint.removeAttribute('role');
      }
    }
    this.image.onerror = function () { loaded(true); };
    this.image.onload = function () { loaded(false); };
    // The phones' copy (at most 1,600 px): a quarter of the bytes over the centre's Wi-Fi,
    // the same shape, so a place on it is the same place on the projector's map.
    const src = '/w/' + encodeURIComponent(this.code) + '/map/' +
      encodeURIComponent(this.hash) + '-phone.jpg';
    // The same address again would not be asked for anew: a query tells it apart.
    this.image.src = this.failed ? src + '?again=' + Date.now() : src;
  }

  /**
   * @param {string} kind
   * @param {Array<Placed>} mine
   */
  drawPins(kind, mine) {
    const key = JSON.stringify([this.pin, kind, mine]);
    if (key === this.pinsKey) {
      return;
    }
    this.pinsKey = key;
    const pins = this.pins;
    const grid = this.grid;
    while (pins.firstChild) {
      pins.removeChild(pins.firstChild);
    }
    /**
     * @param {Pin} at
     * @param {string} what
     * @param {string} cls
     */
    function put(at, what, cls) {
      const spot = el('span', {class: 'map-spot ' + cls});
      spot.style.left = (at.x / grid * 100) + '%';
      spot.style.top = (at.y / grid * 100) + '%';
      spot.appendChild(pinPicture(what, cls === 'is-new' ? 'pin-new' : 'pin-mine'));
      pins.appendChild(spot);
    }
    // Notes already placed stay faint beneath; the new one, large, on top.
    mine.forEach(function (m) { put(m.pin, m.kind, 'is-mine'); });
    if (this.pin) {
      put(this.pin, kind, 'is-new');
    }
  }

  /** @param {(Pin|null)} pin place the pin there (null: take it off) */
  place(pin) {
    this.pin = pin ? {x: pin.x, y: pin.y} : null;
    if (this.pin && !this.failed) {
      this.ask(false); // answered
    }
    this.changed();
  }

  /**
   * Ask for the place on the question above the map itself, red and said aloud (a narrow
   * screen: there the send bar's line would cover the map it asks about), or stop asking.
   * @param {boolean} asking
   */
  ask(asking) {
    const hint = this.hint;
    if (!this.failed && hint.classList.contains('is-asking') !== asking) {
      hint.classList.toggle('is-asking', asking);
      if (asking) { hint.setAttribute('role', 'alert'); } else { hint.removeAttribute('role'); }
    }
  }

  /** Bring the map to the eye (a post without a place was asked for): all of it between the
   * top bar's row that stays and the send bar (grown by its question), room allowing. */
  focus() {
    const box = this.box;
    box.scrollIntoView({block: 'nearest'});
    const form = box.closest('form');
    const bar = form ? form.querySelector('.form-bar') : null;
    const head = document.querySelector('header.topbar');
    if (bar) {
      const at = box.getBoundingClientRect();
      const floor = bar.getBoundingClientRect().top - FOCUS_GAP_PX;
      const ceiling = Math.max(0, head ? head.getBoundingClientRect().bottom : 0) + FOCUS_GAP_PX;
      if (at.bottom > floor) {
        window.scrollBy(0, Math.min(at.bottom - floor, Math.max(0, at.top - ceiling)));
      }
    }
    box.focus({preventScroll: true});
  }

  /** Size the layer for the box's shape: the box itself when it is the image's shape (the
   * whole map at zoom 1), else the image's shape covering the box. */
  cover() {
    const box = this.boxAspect;
    // Within 5% the box is the image's shape: its aspect-ratio is of the outer edge, the
    // border inside it (a few % at a small box); the image fills it, as it always did.
    const same = !box || Math.abs(box / this.aspect - 1) < 0.05;
    this.rx = same ? 1 : Math.min(1, box / this.aspect);
    this.ry = same ? 1 : Math.min(1, this.aspect / box);
    this.stage.style.width = same ? '' : (100 / this.rx) + '%';
    this.stage.style.height = same ? '' : (100 / this.ry) + '%';
    this.apply();
  }

  /** Move the image and its pins to the zoom and the centre now (no layout read). */
  apply() {
    const hx = 0.5 * this.rx / this.scale;
    const hy = 0.5 * this.ry / this.scale;
    this.cx = clamp(this.cx, hx, 1 - hx);
    this.cy = clamp(this.cy, hy, 1 - hy);
    // translate(%) is of the layer's own size (the box's, or larger where it covers the
    // box: rx and ry of it are in the box): the point (cx, cy) of the image, scaled, comes
    // to the box's centre.
    const dx = (0.5 * this.rx - this.cx * this.scale) * 100;
    const dy = (0.5 * this.ry - this.cy * this.scale) * 100;
    this.stage.style.transform = 'translate(' + dx + '%, ' + dy + '%) scale(' +
      this.scale + ')';
    this.stage.style.setProperty('--map-unscale', String(1 / this.scale));
    this.box.classList.toggle('is-zoomed', this.scale > 1);
    this.zoomOut.disabled = this.scale <= 1;
    this.zoomIn.disabled = this.scale >= ZOOM_DEEPEST;
  }

  /**
   * Zoom by a factor (拡大／縮小, the keys): about the pin when it is in view (it stays
   * under the eye), else about the centre.
   * @param {number} factor
   */
  zoomBy(factor) {
    const scale = clamp(this.scale * factor, 1, ZOOM_DEEPEST);
    const pin = this.pin;
    if (pin && Math.abs(pin.x / this.grid - this.cx) <= 0.5 * this.rx / this.scale &&
        Math.abs(pin.y / this.grid - this.cy) <= 0.5 * this.ry / this.scale) {
      // The pin keeps its place in the box: cx' = f − (f − cx)·s/s'.
      const fx = pin.x / this.grid;
      const fy = pin.y / this.grid;
      this.cx = fx - (fx - this.cx) * this.scale / scale;
      this.cy = fy - (fy - this.cy) * this.scale / scale;
    }
    this.scale = scale;
    this.apply();
  }

  /**
   * The point of the image (fractions of its shown width and height) under a point of the
   * screen, read from the image's own box as it is shown now.
   * @param {Point} at
   * @returns {Point}
   */
  imageAt(at) {
    const r = this.image.getBoundingClientRect();
    return {x: (at.x - r.left) / (r.width || 1), y: (at.y - r.top) / (r.height || 1)};
  }

  /** @param {Point} at a tap: the pin goes to the point of the image under it */
  tapAt(at) {
    if (this.failed) {
      this.fetchImage(); // no picture to place on: this tap asks for it again
      return;
    }
    const f = this.imageAt(at);
    if (f.x < 0 || f.x > 1 || f.y < 0 || f.y > 1) {
      return; // beside the image (never, with the box its own shape): no place
    }
    this.place({x: Math.round(f.x * this.grid), y: Math.round(f.y * this.grid)});
  }

  /** @returns {Array<Point>} the fingers on the map */
  fingers() {
    const down = this.down;
    return Object.keys(down).map(function (id) { return down[id]; });
  }

  /** Start a gesture from the fingers down now (one: a tap or a drag; two: a pinch). */
  begin() {
    const fingers = this.fingers();
    const one = fingers[0];
    if (fingers.length === 1) {
      this.gesture = {kind: 'drag', start: one, last: one, moved: false, scale: this.scale,
        cx: this.cx, cy: this.cy, fx: 0, fy: 0, span: 0};
    } else if (fingers.length >= 2) {
      const two = fingers[1];
      const mid = {x: (one.x + two.x) / 2, y: (one.y + two.y) / 2};
      const f = this.imageAt(mid);
      this.gesture = {kind: 'pinch', start: mid, last: mid, moved: true, scale: this.scale,
        cx: this.cx, cy: this.cy, fx: f.x, fy: f.y,
        span: Math.max(1, Math.hypot(two.x - one.x, two.y - one.y))};
    }
  }

  /** Follow the fingers: pan, scroll the page, or pinch. */
  follow() {
    const g = this.gesture;
    const fingers = this.fingers();
    if (!g || !fingers.length) {
      return;
    }
    const box = this.box.getBoundingClientRect();
    const one = fingers[0];
    if (g.kind === 'pinch' && fingers.length >= 2) {
      const two = fingers[1];
      const span = Math.hypot(two.x - one.x, two.y - one.y);
      this.scale = clamp(g.scale * span / g.span, 1, ZOOM_DEEPEST);
      // The point of the image first under the fingers' middle stays under it.
      const mx = ((one.x + two.x) / 2 - box.left) / (box.width || 1);
      const my = ((one.y + two.y) / 2 - box.top) / (box.height || 1);
      this.cx = g.fx - (mx - 0.5) * this.rx / this.scale;
      this.cy = g.fy - (my - 0.5) * this.ry / this.scale;
      this.apply();
      return;
    }
    if (g.kind !== 'drag' && g.kind !== 'scroll') {
      return;
    }
    const dx = one.x - g.start.x;
    const dy = one.y - g.start.y;
    if (!g.moved && Math.hypot(dx, dy) <= TAP_SLOP_PX) {
      return;
    }
    if (!g.moved) {
      // What the drag is for, decided once: the page scrolls under a thumb moving up or
      // down a map that has nowhere to go that way (the whole map, or one that covers the
      // box only sideways); else the map pans.
      const panX = this.rx / this.scale < 0.999;
      const panY = this.ry / this.scale < 0.999;
      g.kind = (!panX && !panY) || (!panY && Math.abs(dy) > Math.abs(dx)) ? 'scroll' : 'drag';
    }
    g.moved = true;
    if (g.kind === 'drag') {
      this.cx = g.cx - dx * this.rx / ((box.width || 1) * this.scale);
      this.cy = g.cy - dy * this.ry / ((box.height || 1) * this.scale);
      this.apply();
    } else {
      window.scrollBy(0, g.last.y - one.y); // the page scrolls instead
    }
    g.last = one;
  }

  /** Listen to the fingers, the mouse and the keys on the map. */
  listen() {
    const self = this;
    const box = this.box;
    // The box's shape, told after each layout that changes it (a turned phone, the text
    // made larger): the layer covers it anew.
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(function () {
        const shape = box.clientWidth / (box.clientHeight || 1);
        if (box.clientWidth && Math.abs(shape - self.boxAspect) > 0.001) {
          self.boxAspect = shape;
          self.cover();
        }
      }).observe(box);
    }
    /** @param {PointerEvent} ev */
    function at(ev) {
      return {x: ev.clientX, y: ev.clientY};
    }
    box.addEventListener('pointerdown', function (ev) {
      if (ev.button > 0) {
        return; // the mouse's other buttons
      }
      self.down[String(ev.pointerId)] = at(ev);
      if (box.setPointerCapture) {
        try {
          box.setPointerCapture(ev.pointerId);
        } catch (e) {
          // a pointer already gone: nothing to follow
        }
      }
      // A second finger turns the gesture into a pinch (and never a tap).
      self.begin();
      ev.preventDefault();
      // The map takes the focus (preventDefault kept it in the text box): the phone's
      // keyboard, if it was up, goes down and gives the map the screen.
      if (document.activeElement !== box) {
        box.focus({preventScroll: true});
      }
    });
    box.addEventListener('pointermove', function (ev) {
      const id = String(ev.pointerId);
      if (!self.down[id]) {
        return;
      }
      self.down[id] = at(ev);
      self.follow();
    });
    /** @param {PointerEvent} ev */
    function up(ev) {
      const id = String(ev.pointerId);
      if (!self.down[id]) {
        return;
      }
      const g = self.gesture;
      delete self.down[id];
      if (ev.type === 'pointerup' && g && g.kind === 'drag' && !g.moved) {
        self.tapAt(at(ev));
      }
      // A finger left a pinch: the other one goes on as a drag, never as a tap.
      self.begin();
      if (self.gesture && g && g.kind === 'pinch') {
        self.gesture.moved = true;
      }
      if (!self.fingers().length) {
        self.gesture = null;
      }
    }
    box.addEventListener('pointerup', up);
    box.addEventListener('pointercancel', up);
    box.addEventListener('keydown', function (ev) {
      self.key(ev);
    });
  }

  /**
   * The keys on the focused map: the arrows move the pin (put at the centre of the view
   * first), + and − zoom.
   * @param {KeyboardEvent} ev
   */
  key(ev) {
    /** @type {Object<string, Array<number>>} */
    const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
    const move = moves[ev.key];
    if (move) {
      const step = KEY_STEP / this.scale * this.grid;
      const from = this.pin || {x: Math.round(this.cx * this.grid),
        y: Math.round(this.cy * this.grid)};
      const pin = this.pin ? {
        x: Math.round(clamp(from.x + move[0] * step, 0, this.grid)),
        y: Math.round(clamp(from.y + move[1] * step, 0, this.grid))} : from;
      // The view follows the pin, so that it stays in sight.
      this.cx = pin.x / this.grid;
      this.cy = pin.y / this.grid;
      this.apply();
      this.place(pin);
    } else if (ev.key === '+' || ev.key === '=') {
      this.zoomBy(ZOOM_STEP);
    } else if (ev.key === '-') {
      this.zoomBy(1 / ZOOM_STEP);
    } else {
      return;
    }
    ev.preventDefault();
  }
}

/**
 * Make the map of the note form once its stylesheet applies (never a box without its size).
 * @param {HTMLElement} holder
 * @param {string} code
 * @param {function(): void} changed
 * @returns {Promise<MapPicker>}
 */
export function create(holder, code, changed) {
  return loadStyle().then(function () {
    return new MapPicker(holder, code, changed);
  });
}
