// Pages without a live board (the workshop list, error pages): the larger-text switch,
// and times written in the reader's own format.

import {loadWords, setupTextSize} from './page.js';

loadWords();
setupTextSize();

Array.prototype.forEach.call(document.querySelectorAll('time[data-epoch]'),
  function (/** @type {HTMLElement} */ node) {
    const seconds = parseFloat(node.getAttribute('data-epoch') || '');
    if (isNaN(seconds) || seconds <= 0) {
      return;
    }
    const when = new Date(seconds * 1000);
    node.setAttribute('datetime', when.toISOString());
    node.textContent = when.toLocaleString(document.documentElement.lang || 'ja', {
      year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit'});
    if (node.parentElement) {
      node.parentElement.hidden = false;
    }
  });
