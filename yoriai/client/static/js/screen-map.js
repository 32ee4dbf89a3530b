// The projector's map board (地図に付箋): in a step the program marks as a map step
// (workshop.program.steps[i].map), once the facilitator has added the district's map
// (workshop.map), the board is the map itself, fitted to the screen, with every note that
// has a place drawn as a pin there: the kind's own icon (star 魅力, triangle 課題, heart 思い)
// in the kind's colour, so that kinds differ by shape as well as colour. Where pins would
// overlap on this screen they become one mark with their count (a cluster; cluster() says
// the rule). Beside the map: its title, each kind shown with how many of its pins are on
// the screen, and the notes without a place (「場所なし n枚」, listed while there is room).
// The facilitator's view of the map (workshop.map.kinds, workshop.map.area) chooses which
// kinds show and which part of the map fills the screen, and the panel says so in words.
// A note shown large keeps its pin in sight (focusOnMap).
//
// Places are on a fixed grid (limits.MAP_GRID, 0 … 10000 on each side of the image, 0 the
// left/top edge): a pin at x is drawn at x / GRID of the image's shown width, whatever the
// screen's size, as every other page places it.

import {el, t, icon} from './page.js';
import {userText, idNumber} from './ui.js';
import {miniNote} from './screen-cards.js';
import {ids, label, limit} from './vocab.js';

/**
 * @typedef {import('./board.js').Board} Board
 * @typedef {import('./ui.js').Note} Note
 * @typedef {{x: number, y: number, w: number, h: number}} Area a rectangle on the grid
 * @typedef {{hash: string, title: string, width: number, height: number,
 *   kinds?: Array<string>, area?: (Area|null)}} MapHeader workshop.map
 * @typedef {{ids: Array<string>, kinds: Object<string, number>, x: number, y: number,
 *   sx: number, sy: number, r: number}} Mark one mark on the screen: a pin (one note) or a
 *   cluster; x, y its centre in the frame's pixels, sx, sy the sums they are the mean of
 */

// Space kept between two marks, in screen pixels: marks that would come closer merge, so
// that no pin hides under another and every count badge can be read.
const GAP_PX = 2;

/** @returns {number} the grid's size (limits.MAP_GRID: 0 … GRID on each side of the map) */
function grid() {
  return limit('MAP_GRID');
}

/**
 * The map the projector shows now: the workshop's map when the current step is a map
 * step, else null.
 * @param {Board} board
 * @returns {(MapHeader|null)}
 */
export function shownMap(board) {
  const map = board.workshop.map;
  const program = board.workshop.program;
  if (!map || typeof map !== 'object' || !program || !Array.isArray(program.steps)) {
    return null;
  }
  const step = program.steps.filter(function (/** @type {Object<string, any>} */ s) {
    return s && s.id === board.workshop.step;
  })[0];
  return step && step.map === true ? /** @type {MapHeader} */ (map) : null;
}

/**
 * The kinds the facilitator chose to show (all of them by default).
 * @param {MapHeader} map
 * @returns {Array<string>}
 */
function kindsOf(map) {
  const all = ids('note_kinds');
  return Array.isArray(map.kinds) && map.kinds.length
    ? all.filter(function (k) { return (map.kinds || []).indexOf(k) >= 0; }) : all;
}

/**
 * The part of the map on the screen (the whole map when no area is set).
 * @param {MapHeader} map
 * @returns {Area}
 */
function areaOf(map) {
  const a = map.area;
  const g = grid();
  if (a && typeof a === 'object' && a.w > 0 && a.h > 0) {
    return {x: a.x, y: a.y, w: a.w, h: a.h};
  }
  return {x: 0, y: 0, w: g, h: g};
}

/**
 * Whether a place lies in the area shown.
 * @param {{x: number, y: number}} pin
 * @param {Area} area
 * @returns {boolean}
 */
function inArea(pin, area) {
  return pin.x >= area.x && pin.x <= area.x + area.w && pin.y >= area.y &&
    pin.y <= area.y + area.h;
}

/**
 * A note's place, or null for a note without one.
 * @param {Note} note
 * @returns {({x: number, y: number}|null)}
 */
function pinOf(note) {
  const pin = /** @type {Object<string, any>} */ (note).pin;
  return pin && typeof pin.x === 'number' && typeof pin.y === 'number' ? pin : null;
}

/**
 * The notes the map board shows, oldest first, of the kinds chosen.
 * @param {Board} board
 * @param {MapHeader} map
 * @returns {Array<Note>}
 */
function notesShown(board, map) {
  const kinds = kindsOf(map);
  return Array.from(board.notes.values()).filter(function (n) {
    return kinds.indexOf(n.kind) >= 0;
  }).sort(function (a, b) { return idNumber(a.id) - idNumber(b.id); });
}

/**
 * The key that orders marks whatever order they came in: their first note's number.
 * @param {Mark} mark
 * @returns {number}
 */
function keyOf(mark) {
  return idNumber(mark.ids[0]);
}

/**
 * Merge marks that would overlap on the screen, until none do. Two marks overlap when their
 * centres are closer than their radii and GAP_PX. In each round every mark finds its
 * nearest overlapping mark, and each pair that are each other's nearest become one mark at
 * the mean place of all their notes, with a count badge's radius; rounds go on until no
 * two marks overlap. Merging nearest pairs first (not every chain of overlaps at once)
 * keeps a mark close to its notes: a street lined with notes becomes a few marks along it,
 * not one in its middle. The result depends only on the places and the screen, never on
 * the order the notes came in: ties go to the lower note number, and a mark's notes are
 * kept in number order.
 * @param {Array<Mark>} marks pins, one note each
 * @param {number} badge the radius of a cluster's badge
 * @returns {Array<Mark>} in the order of their first note
 */
export function cluster(marks, badge) {
  let current = marks.slice().sort(function (a, b) { return keyOf(a) - keyOf(b); });
  for (;;) {
    const n = current.length;
    /** @type {Array<number>} each mark's nearest overlapping mark, or -1 */
    const nearest = current.map(function () { return -1; });
    /** @type {Array<number>} */
    const best = current.map(function () { return Infinity; });
    /** @param {number} i @param {number} j @param {number} d */
    const offer = function (i, j, d) {
      // Of two at the same distance the lower number (the marks are in number order).
      if (d < best[i] || (d === best[i] && j < nearest[i])) {
        best[i] = d;
        nearest[i] = j;
      }
    };
    // Only marks in neighbouring cells of a grid as wide as the farthest reach can overlap:
    // a room's thousands of notes are not compared each with each.
    const cell = current.reduce(function (m, k) { return Math.max(m, k.r); }, badge) * 2 +
      GAP_PX;
    /** @type {Object<string, Array<number>>} */
    const cells = {};
    current.forEach(function (m, i) {
      const key = Math.floor(m.x / cell) + ',' + Math.floor(m.y / cell);
      (cells[key] = cells[key] || []).push(i);
    });
    for (let i = 0; i < n; i++) {
      const a = current[i];
      const cx = Math.floor(a.x / cell);
      const cy = Math.floor(a.y / cell);
      for (let gx = cx - 1; gx <= cx + 1; gx++) {
        for (let gy = cy - 1; gy <= cy + 1; gy++) {
          (cells[gx + ',' + gy] || []).forEach(function (j) {
            if (j <= i) {
              return; // each pair once
            }
            const b = current[j];
            const dx = a.x - b.x;
            const dy = a.y - b.y;
            const d = dx * dx + dy * dy;
            const reach = a.r + b.r + GAP_PX;
            if (d < reach * reach) {
              offer(i, j, d);
              offer(j, i, d);
            }
          });
        }
      }
    }
    /** @type {Array<Mark>} */
    const next = [];
    let merged = false;
    for (let i = 0; i < n; i++) {
      const j = nearest[i];
      if (j >= 0 && nearest[j] === i) {
        if (i < j) {
          next.push(joined(current[i], current[j], badge));
          merged = true;
        }
      } else {
        next.push(current[i]);
      }
    }
    if (!merged) {
      return current;
    }
    current = next.sort(function (a, b) { return keyOf(a) - keyOf(b); });
  }
}

/**
 * One mark of two.
 * @param {Mark} a
 * @param {Mark} b
 * @param {number} badge
 * @returns {Mark}
 */
function joined(a, b, badge) {
  const noteIds = a.ids.concat(b.ids).sort(function (p, q) { return idNumber(p) - idNumber(q); });
  /** @type {Object<string, number>} */
  const kinds = {};
  [a, b].forEach(function (m) {
    Object.keys(m.kinds).forEach(function (k) { kinds[k] = (kinds[k] || 0) + m.kinds[k]; });
  });
  const sx = a.sx + b.sx;
  const sy = a.sy + b.sy;
  return {ids: noteIds, kinds: kinds, sx: sx, sy: sy, x: sx / noteIds.length,
    y: sy / noteIds.length, r: badge};
}

/**
 * The board's skeleton for one map image: the stage with the image's frame (its size is
 * set by layout(), from the header's width and height, before the image has loaded), and
 * the side panel.
 * @param {HTMLElement} node
 * @param {MapHeader} map
 * @param {string} code
 */
function skeleton(node, map, code) {
  node.textContent = '';
  node.setAttribute('data-hash', map.hash);
  const image = el('img', {class: 'map-image', alt: map.title || t('screen.map'),
    src: '/w/' + encodeURIComponent(code) + '/map/' + encodeURIComponent(map.hash) + '.jpg',
    draggable: 'false'});
  const frame = el('div', {class: 'map-frame'}, [
    el('div', {class: 'map-clip'}, [image]),
    el('div', {class: 'map-marks'}),
    el('span', {class: 'map-pin map-probe', 'aria-hidden': 'true'}),
    el('span', {class: 'map-cluster map-probe', 'aria-hidden': 'true', text: '88'})
  ]);
  node.appendChild(el('div', {class: 'map-stage'}, [frame]));
  node.appendChild(el('aside', {class: 'map-side panel-box'}, [
    el('h2', {class: 'panel-head map-title'}),
    el('ul', {class: 'map-legend'}),
    el('p', {class: 'map-view-note', hidden: true}),
    el('section', {class: 'map-unplaced fit-box', 'data-trim-at': '1', hidden: true}, [
      el('h3', {class: 'map-unplaced-head'}),
      el('ul', {class: 'mini-notes fit-list map-unplaced-list', 'data-rotate': '',
        'data-more': 'screen.more'})
    ])
  ]));
}

/**
 * @param {HTMLElement} node
 * @param {string} selector
 * @returns {HTMLElement}
 */
function part(node, selector) {
  return /** @type {HTMLElement} */ (node.querySelector(selector));
}

/**
 * The side panel: the map's title, the kinds shown with how many pins of each are on the
 * screen (in the area shown), and the notes without a place.
 * @param {HTMLElement} node
 * @param {MapHeader} map
 * @param {Array<Note>} notes
 */
function drawSide(node, map, notes) {
  const title = part(node, '.map-title');
  title.textContent = '';
  title.appendChild(map.title ? userText('span', map.title) : el('span', {text: t('screen.map')}));
  const legend = part(node, '.map-legend');
  legend.textContent = '';
  const area = areaOf(map);
  const placed = notes.filter(function (n) {
    const pin = pinOf(n);
    return pin !== null && inArea(pin, area);
  });
  kindsOf(map).forEach(function (kind) {
    const n = placed.filter(function (p) { return p.kind === kind; }).length;
    legend.appendChild(el('li', {class: 'map-legend-item kind-' + kind, 'data-kind': kind}, [
      icon(kind), el('span', {text: label('note_kinds', kind)}),
      el('span', {class: 'count', text: t('screen.map_pins', {n: n})})]));
  });
  // What the facilitator's view leaves out, said in words: a pin gone from the screen is
  // otherwise a pin the room thinks lost.
  /** @type {Array<string>} */
  const view = [];
  if (map.area) {
    view.push(t('screen.map_area'));
  }
  if (kindsOf(map).length < ids('note_kinds').length) {
    view.push(t('screen.map_kinds_only'));
  }
  const note = part(node, '.map-view-note');
  note.hidden = view.length === 0;
  note.textContent = view.join(t('screen.map_view_join'));
  const unplaced = notes.filter(function (n) { return pinOf(n) === null; }).reverse();
  const box = part(node, '.map-unplaced');
  box.hidden = unplaced.length === 0;
  part(box, '.map-unplaced-head').textContent = t('screen.map_unplaced', {n: unplaced.length});
  const list = part(box, '.map-unplaced-list');
  list.textContent = '';
  unplaced.forEach(function (note) { list.appendChild(miniNote(note)); });
}

/**
 * One mark's element, centred on its place.
 * @param {Mark} mark
 * @param {Object<string, Note>} byId
 * @returns {HTMLElement}
 */
function markNode(mark, byId) {
  let node;
  if (mark.ids.length === 1) {
    const note = byId[mark.ids[0]];
    node = el('span', {class: 'map-pin kind-' + note.kind, role: 'img',
      'data-note-id': note.id, 'data-kind': note.kind,
      'aria-label': label('note_kinds', note.kind) + ': ' + note.text}, [icon(note.kind)]);
  } else {
    // The ring around the count shows the kinds in it, in the board's kind order.
    let from = 0;
    const stops = ids('note_kinds').filter(function (k) { return mark.kinds[k]; })
      .map(function (k) {
        const to = from + 100 * mark.kinds[k] / mark.ids.length;
        const stop = 'var(--' + k + ') ' + from.toFixed(2) + '% ' + to.toFixed(2) + '%';
        from = to;
        return stop;
      });
    node = el('span', {class: 'map-cluster', role: 'img', 'data-notes': mark.ids.join(' '),
      'data-count': String(mark.ids.length),
      'aria-label': t('screen.map_cluster', {n: mark.ids.length})},
    [el('span', {class: 'map-count', 'aria-hidden': 'true', text: String(mark.ids.length)})]);
    node.style.setProperty('--ring', 'conic-gradient(' + stops.join(', ') + ')');
  }
  node.style.left = mark.x.toFixed(2) + 'px';
  node.style.top = mark.y.toFixed(2) + 'px';
  return node;
}

/**
 * Size the frame to the stage (the shown part of the map as large as fits, its aspect
 * from the header), place the image in it, and draw the marks at this size.
 * @param {HTMLElement} node
 * @param {MapHeader} map
 * @param {Array<Note>} notes
 */
function layout(node, map, notes) {
  const g = grid();
  const area = areaOf(map);
  const stage = part(node, '.map-stage');
  const style = window.getComputedStyle(stage);
  const room = stage.getBoundingClientRect();
  const width = room.width - (parseFloat(style.paddingLeft) || 0)
    - (parseFloat(style.paddingRight) || 0);
  const height = room.height - (parseFloat(style.paddingTop) || 0)
    - (parseFloat(style.paddingBottom) || 0);
  // The server sends whole pixels from 1 up; a header without them still draws a box.
  const shownW = Math.max(1, Number(map.width) || 1) * area.w / g;
  const shownH = Math.max(1, Number(map.height) || 1) * area.h / g;
  const scale = Math.max(0, Math.min(width / shownW, height / shownH));
  const fw = Math.floor(shownW * scale);
  const fh = Math.floor(shownH * scale);
  const frame = part(node, '.map-frame');
  frame.style.width = fw + 'px';
  frame.style.height = fh + 'px';
  // The image is as large as the whole map at this scale, moved so that the area shows.
  const image = part(node, '.map-image');
  const iw = fw * g / area.w;
  const ih = fh * g / area.h;
  image.style.width = iw.toFixed(2) + 'px';
  image.style.height = ih.toFixed(2) + 'px';
  image.style.left = (-iw * area.x / g).toFixed(2) + 'px';
  image.style.top = (-ih * area.y / g).toFixed(2) + 'px';
  const pinR = part(frame, '.map-pin.map-probe').offsetWidth / 2;
  const probe = part(frame, '.map-cluster.map-probe');
  const badgeR = Math.max(probe.offsetWidth, probe.offsetHeight) / 2;
  /** @type {Object<string, Note>} */
  const byId = {};
  /** @type {Array<Mark>} */
  const pins = [];
  notes.forEach(function (note) {
    const pin = pinOf(note);
    if (!pin || !inArea(pin, area)) {
      return; // no place, or outside the area shown
    }
    byId[note.id] = note;
    const x = (pin.x - area.x) / area.w * fw;
    const y = (pin.y - area.y) / area.h * fh;
    /** @type {Object<string, number>} */
    const kinds = {};
    kinds[note.kind] = 1;
    pins.push({ids: [note.id], kinds: kinds, x: x, y: y, sx: x, sy: y, r: pinR});
  });
  const marks = part(frame, '.map-marks');
  marks.textContent = '';
  cluster(pins, badgeR).forEach(function (mark) { marks.appendChild(markNode(mark, byId)); });
  node.setAttribute('data-marks', String(marks.children.length));
}

/**
 * Build (or bring up to date) the map board in ``node``.
 * @param {HTMLElement} node the board element
 * @param {Board} board
 * @param {MapHeader} map
 * @param {string} code the workshop's code (the image's address)
 * @returns {function(number): void} lays the map and its marks out at the board's size
 */
export function mapView(node, board, map, code) {
  if (node.getAttribute('data-hash') !== map.hash || !node.querySelector('.map-frame')) {
    skeleton(node, map, code); // the image is loaded once, not at every note
  }
  const image = /** @type {HTMLImageElement} */ (part(node, '.map-image'));
  image.alt = map.title || t('screen.map');
  const notes = notesShown(board, map);
  drawSide(node, map, notes);
  return function () { layout(node, map, notes); };
}

/**
 * A note the facilitator shows large while the map is on the screen: its mark (its pin, or
 * the mark that counts it) is ringed, and the card stands at the top or the bottom of the
 * board, away from the mark and over no more than half of it, so that the room sees the
 * note and where it is at once. Without a mark (no place, or outside the area) the card
 * shows as on any board.
 * @param {(HTMLElement|null)} node the map board, or null when another board shows
 * @param {HTMLElement} layer the focus layer (screen.js), holding the card or empty
 * @param {Board} board
 */
export function focusOnMap(node, layer, board) {
  if (!node) {
    layer.classList.remove('on-map', 'at-top');
    return;
  }
  const focus = board.workshop.focus;
  const id = focus && focus.kind === 'note' ? String(focus.id) : '';
  /** @type {(HTMLElement|null)} */
  let found = null;
  Array.prototype.forEach.call(node.querySelectorAll('.map-marks > *'),
    function (/** @type {HTMLElement} */ mark) {
      const notes = (mark.getAttribute('data-notes') || mark.getAttribute('data-note-id') || '')
        .split(' ');
      const here = !!id && !layer.hidden && notes.indexOf(id) >= 0;
      mark.classList.toggle('is-focus', here);
      if (here) {
        found = mark;
      }
    });
  layer.classList.toggle('on-map', !!found);
  if (found) {
    const mark = /** @type {HTMLElement} */ (found).getBoundingClientRect();
    const area = node.getBoundingClientRect();
    layer.classList.toggle('at-top', mark.top + mark.height / 2 > area.top + area.height / 2);
  } else {
    layer.classList.remove('at-top');
  }
}
