// The phone's top bar folded to one row on a very narrow page (a 320 px phone zoomed to
// 150% or more, app.css `max-width: 14em`): there 文字を大きく, English, the connection
// line and a table host's 「テーブルの進行」 stood one above the other and filled the first
// screen (154 CSS px of 284 for a resident at 200%, about 245 for a host), so that no step
// was in sight. Folded, the row holds what a person needs at every moment — their table
// (「3班」) and one 「メニュー」 button that opens the rest beneath it. News is never folded
// away: a running timer, and the connection when it is not 接続中, stay in sight
// (app.css). On a wider page the button is not shown and the bar is as it was.
//
// The button says whether the menu is open (aria-expanded, aria-controls): a screen
// reader hears it; the keyboard reaches the opened tools right after it (they follow it in
// the page); Escape closes the menu and gives the focus back to the button.

import {el, t} from './page.js';

/** The id the button controls: the top bar's row of tools and its line of status. */
const MENU_ID = 'topbar-menu';

/**
 * Put the 「メニュー」 button into the top bar, right after the table's number (so that
 * the tools it opens come after it in the focus order), and wire it.
 * @param {HTMLElement} header the page's header.topbar
 * @param {HTMLElement} after the element the button follows (the table's number)
 * @param {Array<HTMLElement>} folded what the menu opens (given the id of the first one,
 *   which the button controls)
 * @returns {{close: function(): void}}
 */
export function setupMenu(header, after, folded) {
  const words = el('span', {class: 'menu-words', text: t('phone.menu')});
  const mark = el('span', {class: 'menu-mark', 'aria-hidden': 'true', text: '▼'});
  const button = el('button', {type: 'button', id: 'menu-button', class: 'button menu-button',
    'aria-expanded': 'false', 'aria-controls': folded.map(function (box, n) {
      if (!box.id) {
        box.id = MENU_ID + (n ? '-' + n : '');
      }
      return box.id;
    }).join(' ')}, [words, mark]);
  if (after.parentNode) {
    after.parentNode.insertBefore(button, after.nextSibling);
  }

  /** @param {boolean} open */
  function show(open) {
    header.classList.toggle('is-menu-open', open);
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    mark.textContent = open ? '▲' : '▼';
  }

  button.addEventListener('click', function () {
    show(button.getAttribute('aria-expanded') !== 'true');
  });
  header.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && header.classList.contains('is-menu-open')) {
      show(false);
      button.focus();
    }
  });
  return {close: function () { show(false); }};
}
