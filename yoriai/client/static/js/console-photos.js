// Photos of the evening on the console (当日の写真): the facilitator picks photos — the
// sheets at each table, the room — with a file input (on a phone it offers the camera),
// each is uploaded over HTTP (POST /w/<code>/photos, the body is the file; docs/protocol.md
// §9) and appears as a thumbnail once the server's add_photo reaches the board (the
// `photos` kind, facilitators only). Each photo has a caption, a 「計画に入れる」 box (only
// those go into the exported plan) and a remove button, sent as commands.
//
// The list is reconciled by hash, never rebuilt: a caption being typed is not lost when
// another photo arrives. Refusals (the upload's HTTP error, a command's error) go to this
// panel's error line (page.js Errors, ctx 'photos'), in the page's language.

import {t, el, byId, limitChars} from './page.js';
import {limit} from './vocab.js';
import {board, send, errors, render} from './console-core.js';

const CTX = 'photos';

/** The panel's own styles, beside the console's (no line in the page's template). */
function loadStyles() {
  const console = /** @type {(HTMLLinkElement|null)} */ (
    document.querySelector('link[rel="stylesheet"][href$="/css/console.css"]'));
  if (console) {
    document.head.appendChild(el('link', {rel: 'stylesheet',
      href: console.href.replace(/console\.css$/, 'console-photos.css')}));
  }
}

/**
 * The workshop's photos, in the order they were added.
 * @returns {Array<Object<string, any>>}
 */
function photos() {
  return Array.from(board.kind('photos').values());
}

// A photo bigger than this is shrunk in the browser before it is sent: a phone's 5-12 MB
// photo then crosses a busy Wi-Fi as ~1 MB, well within the server's deadline for a
// request (HTTP_REQUEST_TIMEOUT_SECS). The server checks, turns and shrinks it all the
// same; this only saves the radio.
const SHRINK_FROM_BYTES = 3 * 1024 * 1024;
// Longer than the server keeps (2000 px): its own resizing decides the stored photo.
const SHRINK_TO_PX = 3000;

/**
 * The file to send: a large photo drawn upright (its EXIF orientation applied by the
 * browser) at most SHRINK_TO_PX on its longest side, as a JPEG; anything the browser
 * cannot draw (not an image, an old browser) goes as it is, for the server to judge.
 * @param {File} file
 * @returns {Promise<Blob>}
 */
async function shrunk(file) {
  if (file.size <= SHRINK_FROM_BYTES || typeof createImageBitmap !== 'function') {
    return file;
  }
  try {
    const bitmap = await createImageBitmap(file, {imageOrientation: 'from-image'});
    const scale = Math.min(1, SHRINK_TO_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    const context = canvas.getContext('2d');
    if (!context) {
      return file;
    }
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise(function (resolve) {
      canvas.toBlob(resolve, 'image/jpeg', 0.92);
    });
    return blob instanceof Blob && blob.size < file.size ? blob : file;
  } catch (e) {
    return file;
  }
}

/**
 * Upload one file; resolves with the server's refusal message, or null when it is stored.
 * @param {string} code
 * @param {File} file
 * @returns {Promise<(string|null)>}
 */
async function upload(code, file) {
  let reply;
  try {
    const body = await shrunk(file);
    reply = await fetch('/w/' + encodeURIComponent(code) + '/photos', {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: {'Accept': 'application/json',
        'Content-Type': body.type || 'application/octet-stream'}});
  } catch (e) {
    return t('console.photos.failed', {name: file.name});
  }
  if (reply.ok) {
    return null;
  }
  try {
    const body = await reply.json();
    if (body && body.error && typeof body.error.message === 'string') {
      return file.name + ': ' + body.error.message;
    }
  } catch (e) {
    // not JSON (a refusal from the security layer): say it failed
  }
  return t('console.photos.failed', {name: file.name});
}

/** @param {HTMLElement} box the mount element of console.html */
function setup(box) {
  const code = document.body.getAttribute('data-code') || '';
  const input = /** @type {HTMLInputElement} */ (el('input', {
    id: 'photo-input', type: 'file', accept: 'image/*', multiple: true,
    class: 'photo-input', 'data-fk': 'photo-input'}));
  const pick = el('label', {for: 'photo-input', class: 'button primary small photo-pick'},
    [t('console.photos.add')]);
  const status = el('p', {id: 'photo-status', class: 'photo-status', role: 'status'});
  const count = el('p', {id: 'photo-count', class: 'hint'});
  const list = el('ul', {id: 'photo-list', class: 'photo-list'});
  box.replaceChildren(
    el('h3', {id: 'photos-title', text: t('console.photos.title')}),
    el('p', {class: 'hint', text: t('console.photos.hint')}),
    el('div', {class: 'photo-tools'}, [input, pick, status]),
    el('p', {id: 'photo-error', class: 'form-error', role: 'alert', 'data-error-for': CTX}),
    count, list);
  box.setAttribute('aria-labelledby', 'photos-title');

  let sending = 0;
  input.addEventListener('change', async function () {
    const files = Array.from(input.files || []);
    input.value = '';  // the same photo may be picked again after a refusal
    if (!files.length) {
      return;
    }
    errors.clear(CTX);
    /** @type {Array<string>} */
    const refused = [];
    sending += files.length;
    draw();
    // One at a time: the laptop resizes each, and a phone's Wi-Fi carries one well.
    for (const file of files) {
      const problem = await upload(code, file);
      if (problem) {
        refused.push(problem);
      }
      sending -= 1;
      draw();
    }
    if (refused.length) {
      errors.set(CTX, refused.join(' '));
    }
    render();  // the console places the error line
  });

  /** @type {Map<string, HTMLElement>} */
  const items = new Map();

  /**
   * @param {Object<string, any>} photo
   * @returns {HTMLElement}
   */
  function item(photo) {
    const hash = String(photo.id);
    const img = el('img', {class: 'photo-thumb', loading: 'lazy', decoding: 'async',
      src: '/w/' + encodeURIComponent(code) + '/photos/' + hash + '.jpg', alt: ''});
    const caption = /** @type {HTMLInputElement} */ (el('input', {
      type: 'text', class: 'user-text photo-caption', dir: 'auto', 'data-fk': 'caption-' + hash,
      'data-max-chars': limit('PHOTO_CAPTION_MAX_CHARS'),
      placeholder: t('console.photos.caption_hint'), 'aria-label': t('console.photos.caption')}));
    limitChars(caption);
    caption.value = photo.caption || '';
    const chosen = /** @type {HTMLInputElement} */ (el('input', {
      type: 'checkbox', class: 'photo-chosen', 'data-fk': 'chosen-' + hash}));
    const remove = el('button', {type: 'button', class: 'button secondary small photo-remove',
      'data-fk': 'remove-' + hash, text: t('console.photos.remove')});
    const li = el('li', {class: 'photo-item', 'data-hash': hash}, [
      img,
      el('label', {class: 'photo-caption-label'}, [t('console.photos.caption'), caption]),
      el('label', {class: 'photo-chosen-label'}, [chosen, t('console.photos.chosen')]),
      remove,
    ]);
    function saveCaption() {
      const now = board.kind('photos').get(hash);
      if (now && caption.value !== (now.caption || '')) {
        send('caption_photo', {hash: hash, caption: caption.value}, CTX);
      }
    }
    caption.addEventListener('change', saveCaption);
    caption.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && !ev.isComposing) {
        saveCaption();
      }
    });
    chosen.addEventListener('change', function () {
      send('choose_photo', {hash: hash, chosen: chosen.checked}, CTX);
    });
    remove.addEventListener('click', function () {
      if (window.confirm(t('console.photos.remove_confirm'))) {
        send('remove_photo', {hash: hash}, CTX);
      }
    });
    return li;
  }

  function draw() {
    const all = photos();
    const seen = new Set();
    all.forEach(function (photo) {
      const hash = String(photo.id);
      seen.add(hash);
      let li = items.get(hash);
      if (!li) {
        li = item(photo);
        items.set(hash, li);
      }
      list.appendChild(li);  // in the board's order (moves it if it is there already)
      const caption = /** @type {HTMLInputElement} */ (li.querySelector('.photo-caption'));
      const chosen = /** @type {HTMLInputElement} */ (li.querySelector('.photo-chosen'));
      const img = /** @type {HTMLImageElement} */ (li.querySelector('.photo-thumb'));
      if (document.activeElement !== caption) {
        caption.value = photo.caption || '';
      }
      chosen.checked = photo.chosen === true;
      li.classList.toggle('is-chosen', photo.chosen === true);
      img.alt = photo.caption ? t('console.photos.alt', {caption: photo.caption})
        : t('console.photos.title');
    });
    items.forEach(function (li, hash) {
      if (!seen.has(hash)) {
        li.remove();
        items.delete(hash);
      }
    });
    count.textContent = t('console.photos.count', {n: all.length, max: limit('PHOTOS_MAX')});
    status.textContent = sending ? t('console.photos.sending', {n: sending}) : '';
    box.classList.toggle('is-sending', sending > 0);
  }

  board.listen(draw);
  draw();
}

const mount = byId('console-photos');
if (mount) {
  loadStyles();
  setup(mount);
}
