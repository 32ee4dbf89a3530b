// The map panel of the facilitator's console (地図): the district's map, added as an image
// or a page of a PDF (uploaded over HTTP, POST /w/<code>/map, as photos are; the server's
// add_map then reaches the board's header) and taken off again; every note with a place as
// a pin on it, which the facilitator drags (or moves with the keys) to another place, or
// takes off (place_note); what the projector's map shows, by kind and by area
// (set_map_view: 「この範囲を映す」 by dragging a rectangle, 「全体を表示」); the notes without
// a place, each of which can be put on the map; and, in 代理入力, the place of the note being
// written for someone without a phone (a click on the map, or the cross and the keys).
//
// The tab shows while the workshop has a map or the step is a map step (the program's
// step has "map": true), and from the menu's 「地図を追加」 whenever it is asked for. The
// stage (console-map-stage.js) draws and reports the hand; this module sends.

import {t, el, byId} from './page.js';
import {kindBadge, userText} from './ui.js';
import {ids, label, limit, viewOf} from './vocab.js';
import {
  board, conn, state, send, button, busy, errors, render, proxyPerson, allNotes, openView,
  focusKeeper, focusButton, inFocus, MAP_VIEW
} from './console-core.js';
import {MapStage} from './console-map-stage.js';
import {upload} from './console-map-upload.js';

/**
 * @typedef {import('./console-map-stage.js').Pin} Pin
 * @typedef {import('./console-map-stage.js').Area} Area
 * @typedef {import('./console-core.js').Item} Item
 */

const CTX = 'map';
const UPLOAD_CTX = 'map-upload';
/** The draft of console-notes.js's 代理入力 form: its place is kept beside its words. */
const PROXY_DRAFT = 'proxy-note';

const code = document.body.getAttribute('data-code') || '';

/** What this page alone knows about the panel. */
const local = {
  /** the note whose pin is selected ('' none) */
  selected: '',
  /** a note without a place that is being put on the map ('' none) */
  placing: '',
  /** whether a drag on the map draws the projector's area */
  areaMode: false,
  /** uploads on their way */
  sending: 0,
  /** whether the workshop had a map at the last drawing ('' not drawn yet) */
  hadMap: '',
  /** the step last seen, so that a map step opens the map once */
  seenStep: /** @type {(string|null)} */ (null),
};

/** @returns {(Object<string, any>|null)} the workshop's map (the header), or null */
export function theMap() {
  const map = board.workshop.map;
  return map && typeof map.hash === 'string' ? map : null;
}

/** @returns {boolean} whether the room is at a step the program makes a map step */
function mapStep() {
  const program = board.workshop.program;
  const list = program && Array.isArray(program.steps) ? program.steps : [];
  return list.some(function (/** @type {Object<string, any>} */ s) {
    return s.id === board.workshop.step && s.map === true;
  });
}

/** @returns {boolean} whether the map's tab is offered */
function offered() {
  return !!theMap() || mapStep() || state.open.mapPanel === 'open';
}

/**
 * The place chosen for the 代理入力 note, while there is a map to put it on.
 * @returns {(Pin|null)}
 */
export function proxyPin() {
  const draft = state.drafts[PROXY_DRAFT];
  const map = theMap();
  // A place on another map (this one replaced it meanwhile) is no place on this one.
  return map && draft && draft.pin && draft.pinMap === map.hash ? draft.pin : null;
}

/** @returns {string} what the 代理入力 form's signature must include about its place */
export function proxyPlaceSig() {
  const map = theMap();
  return JSON.stringify([map ? map.hash : '', proxyPin()]);
}

/**
 * The 代理入力 form's line about the place: 「地図で場所を選ぶ」, or the place chosen and
 * 「場所を外す」. Nothing when the workshop has no map.
 * @returns {(HTMLElement|null)}
 */
export function proxyPlace() {
  if (!theMap()) {
    return null;
  }
  const pin = proxyPin();
  const line = el('div', {class: 'proxy-place'});
  if (pin) {
    line.appendChild(el('p', {id: 'proxy-place-text', class: 'proxy-place-text',
      text: t('console.map.proxy_placed')}));
    line.appendChild(button(t('console.map.proxy_unplace'), function () {
      delete state.drafts[PROXY_DRAFT].pin;
      focusKeeper.ask('proxy-place-pick');
      render();
    }, {fk: 'proxy-place-clear'}));
  } else {
    line.appendChild(el('p', {class: 'hint', text: t('console.map.proxy_none')}));
  }
  line.appendChild(button(t(pin ? 'console.map.proxy_repick' : 'console.map.proxy_pick'),
    function () {
      openView(MAP_VIEW);
      focusKeeper.ask('map-stage');
    }, {fk: 'proxy-place-pick'}));
  return line;
}

/**
 * Open the map with a note's pin selected and focused (from the note's card elsewhere).
 * @param {string} noteId
 */
export function showOnMap(noteId) {
  local.selected = noteId;
  local.placing = '';
  local.areaMode = false;
  openView(MAP_VIEW);
  focusKeeper.ask('map-pin:' + noteId);
}

/** @param {Pin} pin @returns {string} where a pin is, in the panel's words */
function placeWords(pin) {
  const grid = limit('MAP_GRID');
  return t('console.map.at', {x: Math.round(pin.x / grid * 100),
    y: Math.round(pin.y / grid * 100)});
}

/**
 * Where each note's pin is about to be: the newest unanswered place_note wins, so a pin
 * that was let go stays where it was put while its command is on its way.
 * @returns {Object<string, (Pin|null)>}
 */
function pendingPins() {
  /** @type {Object<string, (Pin|null)>} */
  const out = {};
  conn.pending().forEach(function (c) {
    if (c.name === 'place_note') {
      out[String(c.args.note_id)] = c.args.pin || null;
    }
  });
  return out;
}

/** @returns {Array<{note: Item, pin: Pin}>} the notes with a place, as they are about to be */
function placed() {
  const pending = pendingPins();
  /** @type {Array<{note: Item, pin: Pin}>} */
  const out = [];
  allNotes().forEach(function (n) {
    const pin = Object.prototype.hasOwnProperty.call(pending, n.id) ? pending[n.id] : n.pin;
    if (pin) {
      out.push({note: n, pin: pin});
    }
  });
  return out;
}

/**
 * The projector's kinds, as they are about to be.
 * @param {Object<string, any>} map
 * @returns {Array<string>}
 */
function viewKinds(map) {
  let kinds = Array.isArray(map.kinds) ? map.kinds : ids('note_kinds');
  conn.pending().forEach(function (c) {
    if (c.name === 'set_map_view' && Array.isArray(c.args.kinds)) {
      kinds = c.args.kinds;
    }
  });
  return kinds;
}

/**
 * A rectangle dragged on the map, made what the domain takes: at least MAP_AREA_MIN on
 * each side (grown about its centre), inside the map.
 * @param {Area} a
 * @returns {Area}
 */
export function fitArea(a) {
  const grid = limit('MAP_GRID');
  const least = limit('MAP_AREA_MIN');
  /** @param {number} at @param {number} size @returns {Array<number>} */
  const side = function (at, size) {
    const wide = Math.min(grid, Math.max(least, size));
    const from = Math.max(0, Math.min(grid - wide, Math.round(at + size / 2 - wide / 2)));
    return [from, wide];
  };
  const h = side(a.x, a.w);
  const v = side(a.y, a.h);
  return {x: h[0], y: v[0], w: h[1], h: v[1]};
}

// --- sending ------------------------------------------------------------------------------

const stage = new MapStage(limit('MAP_GRID'), {
  onMove: function (id, pin) {
    const now = placed().filter(function (p) { return p.note.id === id; })[0];
    local.selected = id;
    if (!now || now.pin.x !== pin.x || now.pin.y !== pin.y) {
      send('place_note', {note_id: id, pin: pin}, CTX);
    }
    render();
  },
  onSelect: function (id) {
    local.selected = id;
    render();
  },
  onRemove: function (id) {
    takeOff(id);
  },
  onPick: function (pin) {
    if (local.placing) {
      send('place_note', {note_id: local.placing, pin: pin}, CTX);
      local.selected = local.placing;
      local.placing = '';
      focusKeeper.ask('map-pin:' + local.selected);
    } else if (proxyPerson()) {
      const draft = state.drafts[PROXY_DRAFT] || (state.drafts[PROXY_DRAFT] = {});
      draft.pin = pin;
      draft.pinMap = (theMap() || {}).hash;
      focusKeeper.ask('proxy-note-text');
    }
    render();
  },
  onArea: function (area) {
    local.areaMode = false;
    send('set_map_view', {area: fitArea(area)}, CTX);
    focusKeeper.ask('map-area-draw');
    render();
  },
});

stage.least = limit('MAP_AREA_MIN');

/** @param {string} id take the note's pin off the map (the note stays on the board) */
function takeOff(id) {
  send('place_note', {note_id: id, pin: null}, CTX);
  if (local.selected === id) {
    local.selected = '';
  }
  focusKeeper.ask('map-stage');
  render();
}

// --- the panel ----------------------------------------------------------------------------

/**
 * The panel's controls, made once the page's words are loaded (setupMap).
 * @returns {Object<string, any>}
 */
function makeParts() {
  return {
    title: /** @type {HTMLInputElement} */ (el('input', {id: 'map-title', type: 'text',
      class: 'user-text', dir: 'auto', 'data-fk': 'map-title',
      placeholder: t('console.map.title_hint')})),
    page: /** @type {HTMLInputElement} */ (el('input', {id: 'map-page', type: 'number', min: 1,
      step: 1, value: 1, inputmode: 'numeric', class: 'map-page', 'data-fk': 'map-page'})),
    input: /** @type {HTMLInputElement} */ (el('input', {id: 'map-input', type: 'file',
      accept: 'image/*,application/pdf,.pdf', class: 'map-input', 'data-fk': 'map-input'})),
    pick: el('label', {for: 'map-input', id: 'map-pick', class: 'button primary small map-pick'}),
    now: el('p', {id: 'map-now', class: 'map-now'}),
    status: el('p', {id: 'map-status', class: 'map-status', role: 'status'}),
    remove: /** @type {HTMLButtonElement} */ (el('button', {type: 'button', id: 'map-remove',
      class: 'button danger small', 'data-fk': 'map-remove', text: t('console.map.remove')})),
    kinds: el('fieldset', {id: 'map-kinds', class: 'map-kinds'}),
    areaDraw: /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
      id: 'map-area-draw', class: 'button secondary small', 'data-fk': 'map-area-draw',
      text: t('console.map.area_draw')})),
    areaClear: /** @type {HTMLButtonElement} */ (el('button', {type: 'button',
      id: 'map-area-clear', class: 'button secondary small', 'data-fk': 'map-area-clear',
      text: t('console.map.area_clear')})),
    areaNow: el('p', {id: 'map-area-now', class: 'hint'}),
    mode: el('p', {id: 'map-mode', class: 'map-mode', role: 'status'}),
    change: /** @type {HTMLDetailsElement} */ (el('details', {id: 'map-change',
      class: 'map-change'})),
    keys: el('p', {id: 'map-keys', class: 'hint', text: t('console.map.keys_hint')}),
    empty: el('p', {id: 'map-empty', class: 'empty', text: t('console.map.none')}),
    selected: el('section', {id: 'map-selected', class: 'map-selected',
      'aria-live': 'polite'}),
    unplacedTitle: el('h3', {id: 'map-unplaced-title'}),
    unplaced: el('ul', {id: 'map-unplaced', class: 'map-unplaced'}),
    tools: el('div', {class: 'toolbar tool-row map-tools'}),
    main: el('div', {class: 'map-main'}),
  };
}

/** @type {ReturnType<typeof makeParts>} */
let parts = {};

/** Build the panel once, into the template's #view-map. */
export function setupMap() {
  parts = makeParts();
  const view = byId('view-map');
  const kindsBox = parts.kinds;
  kindsBox.appendChild(el('legend', {class: 'field-label', text: t('console.map.kinds')}));
  ids('note_kinds').forEach(function (kind) {
    const id = 'map-kind-' + kind;
    const box = /** @type {HTMLInputElement} */ (el('input', {type: 'checkbox', id: id,
      class: 'check-input', value: kind, 'data-fk': id}));
    box.addEventListener('change', function () {
      const map = theMap();
      if (!map) {
        return;
      }
      const kinds = ids('note_kinds').filter(function (k) {
        const other = /** @type {HTMLInputElement} */ (byId('map-kind-' + k));
        return other.checked;
      });
      if (!kinds.length) {
        box.checked = true;  // the projector shows at least one kind
        errors.set(CTX, t('console.map.kinds_one'));
        render();
        return;
      }
      send('set_map_view', {kinds: kinds}, CTX);
    });
    kindsBox.appendChild(el('span', {class: 'check map-kind'}, [box,
      el('label', {for: id, class: 'check-label'}, [kindBadge(kind)])]));
  });
  parts.tools.replaceChildren(
    el('div', {id: 'map-upload', class: 'tool-box map-upload'}, [
      el('h3', {class: 'tool-title', text: t('console.map.heading')}),
      parts.now,
      parts.change,
      parts.status,
      el('p', {id: 'map-upload-error', class: 'form-error', role: 'alert',
        'data-error-for': UPLOAD_CTX}),
    ]),
    el('div', {id: 'map-projector', class: 'tool-box map-projector'}, [
      el('h3', {class: 'tool-title', text: t('console.map.projector')}),
      kindsBox,
      el('div', {class: 'actions'}, [parts.areaDraw, parts.areaClear]),
      parts.areaNow,
      el('p', {id: 'map-error', class: 'form-error', role: 'alert', 'data-error-for': CTX}),
    ]));
  parts.main.replaceChildren(
    el('div', {class: 'map-stage-col'}, [parts.mode, parts.empty, stage.box, parts.keys]),
    el('aside', {class: 'map-side'}, [parts.selected,
      el('section', {class: 'map-unplaced-box', 'aria-labelledby': 'map-unplaced-title'},
        [parts.unplacedTitle, parts.unplaced])]));
  view.replaceChildren(
    el('h2', {class: 'view-title visually-hidden', text: t('console.tab.map')}),
    parts.tools, parts.main);

  // With a map on, replacing or removing it folds away: the map gets the screen.
  parts.change.replaceChildren(
    el('summary', {class: 'map-change-summary', 'data-fk': 'map-change',
      text: t('console.map.change')}),
    el('p', {class: 'inline-field'}, [
      el('label', {for: 'map-title', text: t('console.map.title')}), parts.title]),
    el('p', {class: 'inline-field'}, [
      el('label', {for: 'map-page', text: t('console.map.page')}), parts.page]),
    el('p', {class: 'hint', text: t('console.map.upload_hint')}),
    el('div', {class: 'map-upload-row'}, [parts.input, parts.pick, parts.remove]));
  parts.title.maxLength = limit('MAP_TITLE_MAX_CHARS') + 10;  // the server says past it
  parts.input.addEventListener('change', async function () {
    const file = parts.input.files && parts.input.files[0];
    parts.input.value = '';  // the same file may be picked again after a refusal
    if (!file) {
      return;
    }
    errors.clear(UPLOAD_CTX);
    local.sending += 1;
    render();
    const problem = await upload(code, file, parts.title.value.trim(),
      Math.max(1, Math.floor(Number(parts.page.value) || 1)));
    local.sending -= 1;
    if (problem) {
      errors.set(UPLOAD_CTX, problem);
    } else {
      openView(MAP_VIEW);
    }
    render();
  });
  parts.remove.addEventListener('click', function () {
    const n = placed().length;
    if (window.confirm(t('console.map.remove_confirm', {n: n}))) {
      local.selected = '';
      local.placing = '';
      send('remove_map', {}, UPLOAD_CTX);
    }
  });
  parts.areaDraw.addEventListener('click', function () {
    local.areaMode = !local.areaMode;
    local.placing = '';
    if (local.areaMode) {
      focusKeeper.ask('map-stage');  // the keyboard's frame is there (arrows, +/-, Enter)
    }
    render();
  });
  // Esc in the panel gives up framing an area or placing a note (a pin's own Esc first).
  view.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && !ev.defaultPrevented && (local.areaMode || local.placing)) {
      ev.preventDefault();
      focusKeeper.ask(local.placing ? 'map-place:' + local.placing : 'map-area-draw');
      local.areaMode = false;
      local.placing = '';
      render();
    }
  });
  parts.areaClear.addEventListener('click', function () {
    local.areaMode = false;
    send('set_map_view', {area: null}, CTX);
  });
  const menuAdd = document.getElementById('menu-map');
  if (menuAdd) {
    menuAdd.addEventListener('click', function () {
      state.open.mapPanel = 'open';
      const menu = document.getElementById('console-menu');
      if (menu) {
        menu.removeAttribute('open');
      }
      openView(MAP_VIEW);
      focusKeeper.ask('map-input');
    });
  }
}

/** @param {Item} note @returns {string} a pin's name for a screen reader */
function pinLabel(note) {
  return t('console.map.pin_label', {kind: label('note_kinds', note.kind), text: note.text,
    name: note.author_name || ''});
}

/** Draw the note whose pin is selected: what it says, and 「ピンを外す」. */
function drawSelected() {
  const chosen = placed().filter(function (p) { return p.note.id === local.selected; })[0];
  // Rebuilt only when it changed: a redraw for every note a phone posts leaves it be.
  const sig = JSON.stringify(chosen ? [chosen, busy(CTX), inFocus('note', chosen.note.id)]
    : null);
  if (parts.selected.getAttribute('data-sig') === sig) {
    return;
  }
  parts.selected.setAttribute('data-sig', sig);
  if (!chosen) {
    local.selected = '';
    parts.selected.replaceChildren(el('p', {class: 'hint', text: t('console.map.select_hint')}));
    return;
  }
  const note = chosen.note;
  parts.selected.replaceChildren(
    el('h3', {text: t('console.map.selected')}),
    el('div', {class: 'note kind-' + note.kind}, [
      el('div', {class: 'note-head'}, [kindBadge(note.kind)]),
      userText('p', note.text, 'note-text'),
      note.author_name ? userText('p', note.author_name, 'note-author') : null]),
    el('p', {class: 'hint', text: placeWords(chosen.pin)}),
    el('div', {class: 'actions'}, [
      button(t('console.map.unpin'), function () { takeOff(note.id); },
        {fk: 'map-unpin', disabled: busy(CTX)}),
      // The projector shows the note large, as from its card in the notes' workspace.
      focusButton('note', note.id, CTX, !!note.hidden || !!note.private)]));
}

/** Draw the notes without a place, each with 「地図に置く」. */
function drawUnplaced() {
  const pending = pendingPins();
  const list = allNotes().filter(function (n) {
    const pin = Object.prototype.hasOwnProperty.call(pending, n.id) ? pending[n.id] : n.pin;
    return !pin;
  });
  parts.unplacedTitle.textContent = t('console.map.unplaced', {n: list.length});
  const sig = JSON.stringify([list.map(function (n) { return [n.id, n.kind, n.text]; }),
    local.placing]);
  if (parts.unplaced.getAttribute('data-sig') === sig) {
    return;
  }
  parts.unplaced.setAttribute('data-sig', sig);
  parts.unplaced.replaceChildren.apply(parts.unplaced, list.map(function (n) {
    const on = local.placing === n.id;
    return el('li', {class: 'map-unplaced-item kind-' + n.kind, 'data-note-id': n.id}, [
      kindBadge(n.kind), userText('span', n.text, 'map-unplaced-text'),
      button(t(on ? 'console.map.place_cancel' : 'console.map.place'), function () {
        local.placing = on ? '' : n.id;
        local.areaMode = false;
        focusKeeper.ask(on ? 'map-place:' + n.id : 'map-stage');
        render();
      }, {fk: 'map-place:' + n.id, pressed: on,
        label: t('console.map.place_label', {text: n.text})})]);
  }));
}

/** Draw the panel (and whether its tab is offered). */
export function drawMap() {
  const step = board.workshop.step;
  const map = theMap();
  if (step && step !== local.seenStep) {
    local.seenStep = step;
    if (map && mapStep()) {
      state.view = MAP_VIEW;  // a map step opens the map, as a step opens its workspace
    }
  }
  const tab = byId('tab-map');
  tab.hidden = !offered();
  if (tab.hidden && state.view === MAP_VIEW) {
    state.view = viewOf(step);
  }
  if (!map) {
    local.areaMode = false;
    local.placing = '';
  }
  const person = proxyPerson();
  /** @type {('pins'|'pick'|'area')} */
  const mode = !map ? 'pins' : local.areaMode ? 'area'
    : (local.placing || person) ? 'pick' : 'pins';
  const placing = local.placing ? board.collections.notes.get(local.placing) : null;
  if (local.placing && !placing) {
    local.placing = '';
  }
  parts.mode.textContent = !map ? ''
    : mode === 'area' ? t('console.map.area_hint')
      : placing ? t('console.map.place_hint', {text: placing.text})
        : person ? t('console.map.proxy_hint', {name: person.name}) : '';
  // The line keeps its room when empty (CSS): the map must not shift under the hand.
  parts.mode.classList.toggle('is-empty', !parts.mode.textContent);
  parts.now.textContent = map ? t('console.map.now', {title: map.title || t('console.map.untitled'),
    width: map.width, height: map.height}) : t('console.map.none_short');
  parts.pick.textContent = t(map ? 'console.map.replace' : 'console.map.add');
  if (local.hadMap !== String(!!map)) {
    local.hadMap = String(!!map);
    parts.change.open = !map;  // open to add one; folded once there is one
  }
  parts.change.classList.toggle('has-map', !!map);
  parts.remove.hidden = !map;
  parts.status.textContent = local.sending ? t('console.map.sending') : '';
  parts.empty.hidden = !!map;
  stage.box.hidden = !map;
  parts.keys.hidden = !map;
  parts.mode.hidden = !map;
  parts.main.classList.toggle('has-map', !!map);
  const projector = byId('map-projector');
  projector.hidden = !map;
  if (!map || state.view !== MAP_VIEW) {
    return;  // nothing to draw, or not on the screen: drawn when the tab opens
  }
  const kinds = viewKinds(map);
  ids('note_kinds').forEach(function (k) {
    const box = /** @type {HTMLInputElement} */ (byId('map-kind-' + k));
    box.checked = kinds.indexOf(k) >= 0;
  });
  const area = map.area || null;
  parts.areaDraw.setAttribute('aria-pressed', local.areaMode ? 'true' : 'false');
  parts.areaClear.disabled = !area;
  parts.areaNow.textContent = t(area ? 'console.map.area_part' : 'console.map.area_whole');
  const ratio = map.width / map.height;
  stage.box.style.width = 'min(100%, calc(70vh * ' + ratio.toFixed(4) + '))';
  stage.draw({
    src: '/w/' + encodeURIComponent(code) + '/map/' + encodeURIComponent(map.hash) + '.jpg',
    width: map.width, height: map.height,
    alt: t('console.map.alt', {title: map.title || t('console.map.untitled')}),
    area: area, picked: !local.placing && person ? proxyPin() : null, mode: mode,
    pins: placed().map(function (p) {
      return {id: p.note.id, kind: p.note.kind, text: p.note.text, pin: p.pin,
        label: pinLabel(p.note), selected: p.note.id === local.selected,
        // Faded: what the projector does not show (a kind filtered out, hidden, private).
        faded: kinds.indexOf(p.note.kind) < 0 || !!p.note.hidden || !!p.note.private};
    }),
  });
  drawSelected();
  drawUnplaced();
}
