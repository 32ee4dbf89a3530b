// The map at the top of a note form in a map step (地図に付箋, issue 15): the participant's
// own form (phone-notes.js) and a table host's 代理入力 (phone-host-proxy.js). This small
// part knows whether the room is in a map step with a map and what the form's buttons say;
// the map itself (phone-map.js, its stylesheet and the picture) is loaded only then, so a
// phone in an evening without a map never fetches it.

import {t, el} from './page.js';
import {phone, checkedValue} from './phone-kit.js';

/**
 * @typedef {import('./phone-map.js').MapPicker} MapPicker
 * @typedef {import('./phone-map.js').Pin} Pin
 * @typedef {import('./phone-map.js').Placed} Placed
 */

/** A screen as narrow as a phone at 200% zoom (phone-map.css): there the map's own question
 * asks for the place, since the send bar, grown by a line of several, would cover the map. */
const NARROW = '(max-width: 15em)';


/**
 * @returns {(Object<string, any>|null)} the workshop's map when the room is in a map step
 *   (the program's step says "map": true) and the workshop has one; else null
 */
export function mapHere() {
  const workshop = phone.board.workshop;
  const map = workshop.map;
  if (!map || typeof map !== 'object' || !map.hash) {
    return null;
  }
  const program = workshop.program;
  const steps = program && Array.isArray(program.steps) ? program.steps : [];
  const step = steps.filter(function (/** @type {any} */ s) {
    return !!s && s.id === workshop.step;
  })[0];
  return step && step.map === true ? map : null;
}

/**
 * The map of a note form (the participant's own, a table host's 代理入力): in a map step of
 * a workshop with a map it loads phone-map.js (which fetches the picture), shows the map
 * first in the form, says 「この場所に貼る」 on the send button and puts 「場所を選ばずに貼る」
 * beside it; elsewhere the form is as it always was. The form sends; this keeps the place.
 */
export class MapSlot {
  /**
   * @param {HTMLFormElement} form
   * @param {HTMLElement} holder the map's place in the form (hidden until there is one)
   * @param {HTMLButtonElement} submit the form's send button
   * @param {string} words the send button's words outside a map step (a catalogue key)
   * @param {string} ctx the form's error line
   * @param {string} id the id of 「場所を選ばずに貼る」
   * @param {function(): void} postWithout send the note without a place
   */
  constructor(form, holder, submit, words, ctx, id, postWithout) {
    this.form = form;
    this.holder = holder;
    this.submit = submit;
    this.words = words;
    this.ctx = ctx;
    /** The map, once its module is here. @type {(MapPicker|null)} */
    this.picker = null;
    this.loading = false;
    this.noPlace = /** @type {HTMLButtonElement} */ (el('button', {type: 'button', id: id,
      class: 'button secondary', hidden: true, text: t('phone.map.post_noplace')}));
    if (submit.parentNode) {
      submit.parentNode.insertBefore(this.noPlace, submit.nextSibling);
    }
    this.noPlace.addEventListener('click', postWithout);
  }

  /** @returns {(MapPicker|null)} the map, in a map step */
  active() {
    return this.picker && mapHere() ? this.picker : null;
  }

  /**
   * Whether the note may go to 「この場所に貼る」: in a map step a place is chosen first
   * (else the form's line asks 「地図のどこですか？」 and the map comes into view).
   * @returns {boolean}
   */
  placed() {
    const map = this.active();
    if (map && !map.pin) {
      if (window.matchMedia && window.matchMedia(NARROW).matches) {
        map.ask(true); // on the map's own question: the bar's line would cover the map
      } else {
        phone.errors.set(this.ctx, t('phone.map.need_place'));
      }
      phone.render();
      // After that drawing (this frame's first callback), the bar grown by its question:
      // the map is brought clear of it.
      window.requestAnimationFrame(function () { map.focus(); });
      return false;
    }
    return true;
  }

  /** @returns {(Pin|null)} the place chosen, taken off the map
   * for the next note */
  take() {
    const map = this.active();
    const pin = map ? map.pin : null;
    this.forget();
    return pin;
  }

  /** Take the pin off (the room moved on, the note went, another person is written for). */
  forget() {
    if (this.picker) {
      this.picker.pin = null;
      this.picker.ask(false);
    }
  }

  /**
   * A refused note gets its place back, with its words (unless another is chosen since).
   * @param {*} pin the refused command's pin
   */
  restore(pin) {
    const map = this.active();
    if (map && !map.pin && pin && typeof pin.x === 'number' && typeof pin.y === 'number') {
      map.pin = {x: pin.x, y: pin.y};
    }
  }

  /** Load the map's module; a failure is tried again at the next drawing. */
  load() {
    const self = this;
    this.loading = true;
    import('./phone-map.js').then(function (m) {
      return m.create(self.holder, document.body.getAttribute('data-code') || '', function () {
        // The place is chosen: 「地図のどこですか？」 is answered.
        if (phone.errors.get(self.ctx) === t('phone.map.need_place')) {
          phone.errors.clear(self.ctx);
        }
        phone.render();
      });
    }).then(function (made) {
      self.picker = made;
      self.loading = false;
      phone.render();
    }, function () {
      self.loading = false;
    });
  }

  /**
   * @param {Array<Placed>} placed notes already placed, drawn
   *   faint under the new pin (the writer's own)
   */
  draw(placed) {
    const map = mapHere();
    if (map && !this.picker && !this.loading) {
      this.load();
    }
    const onMap = !!map && !!this.picker;
    this.holder.hidden = this.noPlace.hidden = !onMap;
    this.noPlace.disabled = this.submit.disabled;
    this.form.classList.toggle('has-map', onMap);
    const words = t(onMap ? 'phone.map.post' : this.words);
    if (this.submit.textContent !== words) {
      this.submit.textContent = words;
    }
    if (!this.picker) {
      return;
    }
    if (!map) {
      this.picker.hash = ''; // a map here again starts afresh
      this.picker.pin = null;
      return;
    }
    this.picker.show(/** @type {any} */ (map), checkedValue(this.form, 'kind'), placed);
  }
}

/**
 * The places of notes, for a map's faint pins.
 * @param {Array<Object<string, any>>} notes
 * @returns {Array<Placed>}
 */
export function placesOf(notes) {
  /** @type {Array<Placed>} */
  const out = [];
  notes.forEach(function (note) {
    const pin = note.pin;
    if (pin && typeof pin.x === 'number' && typeof pin.y === 'number') {
      out.push({pin: {x: pin.x, y: pin.y}, kind: String(note.kind)});
    }
  });
  return out;
}
