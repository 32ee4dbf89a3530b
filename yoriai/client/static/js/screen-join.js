// The projector's join view and its own tools. The join view fills the screen with what a
// person in the back row needs to join: the QR code (at least 60% of the height), the
// address (never broken inside host:port), the Wi-Fi to join first, and the head count,
// live. It shows while the facilitator has 「参加受付」 on (workshop.join_view) and, by itself,
// while nobody has joined yet. The tools are a full-screen button and the F11 hint: a
// projector has no app chrome. They come when the mouse moves on the projector (or a key is
// pressed there), and go a few seconds later; never by themselves when the page opens, where
// they covered the bottom-left of the board (its content) for their first seconds.

import {byId, setText, t} from './page.js';

/**
 * @typedef {import('./board.js').Board} Board
 */

/**
 * Whether the join view is up: asked for, or nobody has joined yet. Before the first
 * snapshot it stays as the page came (shown when the server counted nobody).
 * @param {Board} board
 * @returns {boolean}
 */
export function joinShown(board) {
  if (!board.workshop || !board.workshop.code) {
    return !byId('join-view').hidden;
  }
  return board.workshop.join_view === true || board.participantCount === 0;
}

/**
 * Draw the join view from the board (its address and QR code are in the page).
 * @param {Board} board
 * @param {string} code the workshop's code (for the Wi-Fi QR code's address)
 * @returns {boolean} whether it is shown
 */
export function drawJoin(board, code) {
  const view = byId('join-view');
  const shown = joinShown(board);
  view.hidden = !shown;
  document.body.classList.toggle('is-joining', shown);
  setText(byId('join-count'), t('screen.participants', {n: board.participantCount}));
  if (board.workshop.title) {
    setText(byId('join-title'), board.workshop.title);
  }
  /** @type {?{name: string, qr: boolean}} */
  const wifi = board.workshop.wifi && typeof board.workshop.wifi.name === 'string'
    ? board.workshop.wifi : null;
  byId('join-wifi').hidden = !wifi;
  setText(byId('join-wifi-name'), wifi ? t('screen.wifi', {name: wifi.name}) : '');
  const qr = /** @type {HTMLImageElement} */ (byId('join-wifi-qr'));
  const want = wifi && wifi.qr ? '/w/' + encodeURIComponent(code) + '/wifi.svg?n=' +
    encodeURIComponent(wifi.name) : '';
  // The image's address carries the name, so that a changed Wi-Fi is fetched again.
  if (qr.getAttribute('data-src') !== want) {
    qr.setAttribute('data-src', want);
    if (want) {
      qr.src = want;
    } else {
      qr.removeAttribute('src');
    }
  }
  qr.hidden = !want;
  return shown;
}

// How long the tools stay after the mouse last moved: long enough to find the button, short
// enough that the room never reads them.
const TOOLS_SECS = 8;

/** The full-screen button and the F11 hint: asleep (the template says so) until the mouse
 * moves or a key is pressed, shown a while then, then asleep again. */
export function setupTools() {
  const tools = byId('screen-tools');
  const button = byId('fullscreen');
  /** @type {number} */
  let timer = 0;
  function wake() {
    tools.classList.remove('is-asleep');
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { tools.classList.add('is-asleep'); },
      TOOLS_SECS * 1000);
  }
  function place() {
    // In full screen the button has nothing left to do.
    tools.hidden = !!document.fullscreenElement || !document.fullscreenEnabled;
  }
  button.addEventListener('click', function () {
    const done = document.documentElement.requestFullscreen();
    if (done && typeof done.catch === 'function') {
      done.catch(function () { /* refused (no user gesture, a policy): F11 still works */ });
    }
  });
  document.addEventListener('fullscreenchange', place);
  window.addEventListener('mousemove', wake);
  window.addEventListener('keydown', wake);
  place();
}
