// 実践しよう on the phone: the role board. Each action with its facts and its 担い手, and
// 「やります」 to become one of them.

import {t, el, icon, byId} from './page.js';
import {userText, reconcile} from './ui.js';
import {
  phone, pend, isLocked, me, meHas, items, send, sendButton, sendingLine, mark, themeHead,
  cached
} from './phone-kit.js';
import {ids, label} from './vocab.js';

/** @typedef {import('./phone-kit.js').Item} Item */

/**
 * A date as people write it ("2026-12-20" → "2026年12月20日").
 * @param {string} iso
 * @returns {string}
 */
function dateText(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
  if (!m) {
    return String(iso || '');
  }
  return t('date.format', {y: m[1], m: parseInt(m[2], 10), d: parseInt(m[3], 10)});
}

/**
 * One fact of an action: its name and its value.
 * @param {string} name
 * @param {Node} value
 * @returns {HTMLElement}
 */
function fact(name, value) {
  return el('div', {class: 'fact'}, [el('dt', {text: name}), el('dd', null, [value])]);
}

/**
 * The facts of an action: 協働のかたち, partners, first step, date, progress.
 * @param {Item} a
 * @returns {HTMLElement}
 */
function facts(a) {
  const list = el('dl', {class: 'facts'});
  list.appendChild(fact(t('action.form'), el('span', {class: 'form-word',
    text: ids('forms').indexOf(a.form) >= 0 ? label('forms', a.form) : String(a.form || '')})));
  if (Array.isArray(a.partners) && a.partners.length) {
    const names = el('span', {class: 'partners'});
    a.partners.forEach(function (/** @type {string} */ name, /** @type {number} */ i) {
      if (i > 0) {
        names.appendChild(document.createTextNode(t('list.sep')));
      }
      names.appendChild(userText('span', name));
    });
    list.appendChild(fact(t('action.partners'), names));
  }
  if (a.first_step) {
    list.appendChild(fact(t('action.first_step'), userText('span', String(a.first_step))));
  }
  if (a.due) {
    list.appendChild(fact(t('action.due'), document.createTextNode(dateText(a.due))));
  }
  list.appendChild(fact(t('action.status'),
    document.createTextNode(label('statuses', a.status || ids('statuses')[0]))));
  return list;
}

/**
 * @param {Item} a
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function actionCard(a, before) {
  const ctx = 'action:' + a.id;
  const mine = meHas('actions', a.id);
  const busy = !!pend[ctx];
  const theme = a.theme ? items('themes').get(a.theme) : null;
  const sig = JSON.stringify([a, mine, theme ? theme.title : '', me().id || '', isLocked(),
    busy, phone.errors.get(ctx)]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card action-card'});
    card.classList.toggle('is-chosen', mine);
    if (theme) {
      card.appendChild(themeHead(String(theme.title), 'p'));
    }
    card.appendChild(userText('h3', String(a.title), 'card-title'));
    // 「やります」 right under the action's name, before its facts: on a small screen it is in
    // sight without scrolling past them.
    if (mine) {
      card.appendChild(mark('check', t('action.in'), 'chosen-mark'));
      card.appendChild(el('div', {class: 'actions'}, [
        sendButton(t('action.withdraw'), 'secondary', 'withdraw', busy, function () {
          send('withdraw', {action_id: a.id}, ctx);
        })]));
    } else {
      const b = sendButton(t('action.volunteer'), 'primary wide-button big', 'volunteer', busy,
        function () { send('volunteer', {action_id: a.id}, ctx); });
      b.insertBefore(icon('hand'), b.firstChild);
      card.appendChild(el('div', {class: 'actions'}, [b]));
    }
    if (busy) {
      card.appendChild(sendingLine());
    }
    card.appendChild(phone.errors.line(ctx));
    card.appendChild(facts(a));
    const volunteers = Array.isArray(a.volunteers) ? a.volunteers : [];
    card.appendChild(el('p', {class: 'field-name', text: volunteers.length ?
      t('action.volunteers_n', {n: volunteers.length}) : t('action.volunteers')}));
    if (volunteers.length) {
      const list = el('ul', {class: 'volunteers'});
      volunteers.forEach(function (/** @type {{id: string, name: string}} */ v) {
        const row = el('li', {class: 'volunteer'}, [userText('span', v.name, 'volunteer-name')]);
        if (v.id === me().id) {
          row.appendChild(el('span', {class: 'you', text: t('phone.you')}));
        }
        if (a.lead === v.id) {
          row.appendChild(el('span', {class: 'tag', text: t('action.lead')}));
        }
        list.appendChild(row);
      });
      card.appendChild(list);
    } else {
      card.appendChild(el('p', {class: 'empty', text: t('action.volunteers_none')}));
    }
    return card;
  });
}

/** Step 4: the role board. */
export function draw() {
  const actions = Array.from(items('actions').values());
  reconcile(byId('action-list'), actions, function (a) { return String(a.id); }, actionCard);
  byId('actions-empty').hidden = actions.length > 0;
}
