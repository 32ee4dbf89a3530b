// The venue's Wi-Fi on the console (会場のWi-Fi): the network the room is told to join — on
// the handout, the projector's join view and the join page — for this evening, and its
// password for the Wi-Fi QR code (set_wifi). The password is sent and never shown back: no
// view carries it (facilitation/venue.py), so its field starts empty and the line above
// says whether one is set. An empty name goes back to the server's (yoriai serve --wifi).
//
// The form is built once (a redraw never loses what is being typed); only the line saying
// what the room is told follows the board. Refusals go to this form's error line, which
// the console fills after each drawing (page.js Errors, ctx 'wifi').

import {t, el, byId} from './page.js';
import {board, send, busy} from './console-core.js';

const CTX = 'wifi';

/**
 * What the room is told now, from the workshop header (never the password).
 * @returns {({name: string, qr: boolean}|null)}
 */
function told() {
  const wifi = board.workshop.wifi;
  if (!wifi || typeof wifi.name !== 'string') {
    return null;
  }
  return {name: wifi.name, qr: wifi.qr === true};
}

/** @param {HTMLElement} box the mount element of console.html */
function setup(box) {
  const now = el('p', {id: 'wifi-now', class: 'wifi-now', dir: 'auto', role: 'status'});
  const name = /** @type {HTMLInputElement} */ (el('input', {
    id: 'wifi-name', type: 'text', class: 'user-text', dir: 'auto', autocomplete: 'off',
    spellcheck: 'false', 'data-fk': 'wifi-name'}));
  const password = /** @type {HTMLInputElement} */ (el('input', {
    id: 'wifi-password', type: 'password', autocomplete: 'new-password',
    spellcheck: 'false', 'data-fk': 'wifi-password'}));
  const submit = /** @type {HTMLButtonElement} */ (el('button', {
    type: 'submit', class: 'button primary small', 'data-fk': 'wifi-save',
    text: t('console.wifi.save')}));
  const form = el('form', {id: 'wifi-form', class: 'form wifi-form', novalidate: true}, [
    el('label', {class: 'field-label', for: 'wifi-name', text: t('console.wifi.name')}),
    name,
    el('label', {class: 'field-label', for: 'wifi-password', text: t('console.wifi.password')}),
    password,
    el('p', {id: 'wifi-error', class: 'form-error', role: 'alert', 'data-error-for': CTX}),
    submit,
    el('p', {class: 'hint', text: t('console.wifi.hint')}),
  ]);
  box.replaceChildren(
    el('h2', {id: 'wifi-title', text: t('console.wifi.title')}), now, form);
  box.setAttribute('aria-labelledby', 'wifi-title');

  let seen = '';
  function draw() {
    const wifi = told();
    now.textContent = wifi
      ? t('console.wifi.current', {name: wifi.name}) + (wifi.qr ? ' ' + t('console.wifi.with_qr') : '')
      : t('console.wifi.none');
    // The name field starts with what the room is told, and follows it while untouched.
    const shown = wifi ? wifi.name : '';
    if (shown !== seen && (name.value === seen || name.value === '')
        && document.activeElement !== name) {
      name.value = shown;
    }
    seen = shown;
    submit.disabled = busy(CTX);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    send('set_wifi', {name: name.value, password: password.value}, CTX, {
      ok: function () {
        password.value = '';  // sent once; never kept on the page
        draw();
      },
      fail: draw,  // the button is usable again; the refusal is on the error line
    });
    draw();
  });
  board.listen(draw);
  draw();
}

const mount = byId('console-wifi');
if (mount) {
  setup(mount);
}
