// 地域の活動にしよう on the phone: the members of a theme write its proposal (計画案: an
// aim and ideas); everyone gives 「優先したい」 to the proposals they would do first.
// Whoever has not joined a theme yet is offered the themes to join (phone-themes.js).

import {t, el, icon, byId} from './page.js';
import {userText, reconcile} from './ui.js';
import {
  phone, pend, isLocked, settings, me, meHas, items, pendingCount, isFocus, send, refuse,
  button, sendButton, sendingLine, mark, markFocus, themeHead, cached, tabOf, showTab,
  setupTabs
} from './phone-kit.js';
import {limit} from './vocab.js';
import {themeCard, themeList} from './phone-themes.js';
import {arranged, rowNode, themeOwner, myTableId, tableTag} from './phone-tables.js';

/**
 * @typedef {import('./phone-kit.js').Item} Item
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{aim: string, ideas: Array<string>, dirty: boolean, base: string}} Draft
 *   a proposal being written; base is the server's version it started from
 */

/** Proposals saved since they were last changed here, by theme id.
 * @type {Object<string, boolean>} */
const saved = {};
/** Proposals being written, by theme id. @type {Object<string, Draft>} */
const drafts = {};
/** The forms of my themes' proposals, in this view. */
const ownForms = proposalEditor('');

setupTabs('activity');

/** @returns {number} priority votes left, counting those on their way */
function priorityLeft() {
  const left = typeof me().priority_left === 'number' ? me().priority_left : 0;
  return left - pendingCount('cast_priority') + pendingCount('retract_priority');
}

/**
 * @returns {Array<Item>} the proposals that have been written, in the themes' order; seated
 * at a table, its proposals first, then the room's, then the other tables' in their number
 * order (every table's proposal is in the room's priority vote)
 */
function writtenProposals() {
  const proposals = items('proposals');
  /** @type {Array<Item>} */
  const out = [];
  themeList().forEach(function (theme) {
    const p = proposals.get(theme.id);
    if (p && p.aim) {
      out.push(p);
    }
  });
  const mine = myTableId();
  if (!mine) {
    return out;
  }
  const order = Array.from(items('tables').keys());
  /** @param {Item} p @returns {number} */
  function rank(p) {
    const theme = items('themes').get(p.theme);
    const table = theme ? themeOwner(theme) : null;
    if (table === mine) {
      return -2;
    }
    return table ? order.indexOf(table) : -1;
  }
  return out.map(function (p, i) { return {p: p, i: i, r: rank(p)}; }).sort(function (a, b) {
    return a.r - b.r || a.i - b.i; // a stable sort by hand: old phones' sort may not be
  }).map(function (x) { return x.p; });
}

/**
 * The server's version of a theme's proposal, as a string to compare.
 * @param {string} themeId
 * @returns {string}
 */
function serverVersion(themeId) {
  const p = items('proposals').get(themeId);
  return JSON.stringify(p ? [p.aim, p.ideas] : ['', []]);
}

/**
 * The draft of a theme's proposal: the server's version, unless this phone has changes
 * not yet saved (or on their way).
 * @param {string} themeId
 * @returns {Draft}
 */
function draftFor(themeId) {
  const p = items('proposals').get(themeId);
  const base = serverVersion(themeId);
  let d = drafts[themeId];
  if (!d || (!d.dirty && !pend['proposal:' + themeId] && d.base !== base)) {
    const ideas = p && Array.isArray(p.ideas) ? p.ideas.slice() : [];
    if (!ideas.length) {
      ideas.push('');
    }
    d = {aim: p ? String(p.aim || '') : '', ideas: ideas, dirty: false, base: base};
    drafts[themeId] = d;
  }
  return d;
}

/**
 * The form in which a theme's members write its proposal (here, and in a table host's
 * tools: phone-host.js, whose forms are keyed apart by ``prefix``, their drafts shared).
 * @param {string} prefix '' here; another for each other place the forms are drawn
 * @returns {function(Item, (HTMLElement|undefined)): HTMLElement}
 */
export function proposalEditor(prefix) {
  return function (theme, before) {
    return proposalForm(prefix, theme, before);
  };
}

/**
 * @param {string} prefix
 * @param {Item} theme
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function proposalForm(prefix, theme, before) {
  const id = theme.id;
  const key = prefix + id; // its data-key in its list: where the focus comes back to
  const ctx = 'proposal:' + id;
  const d = draftFor(id);
  const base = serverVersion(id);
  const conflict = d.dirty && d.base !== base;
  const busy = !!pend[ctx];
  const sig = JSON.stringify([theme.title, base, d.ideas.length, conflict, isLocked(), busy,
    phone.errors.get(ctx), !!saved[id], isFocus('theme', id)]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card proposal-form'});
    if (isFocus('theme', id)) {
      markFocus(card);
    }
    const form = el('form', {class: 'form', novalidate: true});
    form.appendChild(themeHead(theme.title, 'h3'));
    if (conflict) {
      form.appendChild(el('p', {class: 'notice-changed', role: 'status',
        text: t('proposal.changed')}));
    }
    const state = el('p', {class: 'save-state', 'aria-live': 'polite',
      text: d.dirty ? t('proposal.unsaved') : (saved[id] && !busy ? t('phone.saved') : '')});
    /** Something was typed: it is not saved any more. */
    function changed() {
      d.dirty = true;
      delete saved[id];
      state.textContent = t('proposal.unsaved');
      if (phone.errors.get(ctx)) {
        phone.errors.clear(ctx); // being fixed; the card is redrawn, the caret kept
        phone.render();
      }
    }
    const aimId = prefix + 'aim-' + id;
    form.appendChild(el('label', {for: aimId, class: 'field-label', text: t('proposal.aim')}));
    const aim = /** @type {HTMLTextAreaElement} */ (el('textarea', {id: aimId, rows: '3',
      dir: 'auto', class: 'user-text', 'data-fk': 'aim'}));
    aim.value = d.aim;
    aim.addEventListener('input', function () {
      d.aim = aim.value;
      changed();
    });
    form.appendChild(aim);
    const ideas = el('fieldset', {class: 'ideas'}, [
      el('legend', {class: 'field-label', text: t('proposal.ideas')})]);
    d.ideas.forEach(function (text, i) {
      const boxId = prefix + 'idea-' + id + '-' + i;
      ideas.appendChild(el('label', {for: boxId, class: 'idea-label',
        text: t('proposal.idea_n', {n: i + 1})}));
      const box = /** @type {HTMLInputElement} */ (el('input', {type: 'text', id: boxId,
        dir: 'auto', class: 'user-text', 'data-fk': 'idea-' + i}));
      box.value = text;
      box.addEventListener('input', function () {
        d.ideas[i] = box.value;
        changed();
      });
      ideas.appendChild(box);
    });
    const add = button(t('proposal.add_idea'), 'secondary add-idea', function () {
      d.ideas.push('');
      phone.focus.ask('idea-' + (d.ideas.length - 1), key);
      phone.render();
    }, 'add');
    add.insertBefore(icon('plus'), add.firstChild);
    add.disabled = d.ideas.length >= limit('IDEAS_MAX');
    ideas.appendChild(add);
    ideas.appendChild(el('p', {class: 'hint', text: t('proposal.ideas_hint')}));
    form.appendChild(ideas);
    form.appendChild(state);
    form.appendChild(phone.errors.line(ctx));
    const submit = el('button', {type: 'submit', class: 'button primary wide',
      'data-fk': 'save', text: busy ? t('phone.sending') : t('proposal.save')});
    /** @type {HTMLButtonElement} */ (submit).disabled = busy || isLocked();
    form.appendChild(submit);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!d.aim.trim()) {
        phone.focus.ask('aim', key);
        refuse(ctx, t('error.empty_aim'));
        return;
      }
      const lines = d.ideas.map(function (s) { return s.trim(); }).filter(function (s) {
        return s.length > 0;
      });
      d.dirty = false;
      d.base = base;
      send('write_proposal', {theme_id: id, aim: d.aim, ideas: lines}, ctx);
    });
    card.appendChild(form);
    return card;
  });
}

/**
 * A proposal as everyone sees it, with 「優先したい」.
 * @param {Item} p
 * @param {(HTMLElement|undefined)} before
 * @returns {HTMLElement}
 */
function proposalCard(p, before) {
  const ctx = 'priority:' + p.theme;
  const theme = items('themes').get(p.theme);
  const title = theme ? String(theme.title) : '';
  const given = meHas('priority', p.theme);
  const joined = meHas('themes', p.theme);
  const busy = !!pend[ctx];
  const focused = isFocus('theme', p.theme);
  // None left: 優先したい is off, and the bar at the bottom says why (as for 共感).
  const out = priorityLeft() <= 0;
  const from = tableTag(theme ? themeOwner(theme) : null); // another table's: 「2班」
  const sig = JSON.stringify([p, title, given, joined, focused, isLocked(), busy, out,
    phone.errors.get(ctx), from]);
  return cached(before, sig, function () {
    const card = el('li', {class: 'card proposal-card'});
    card.classList.toggle('is-chosen', given);
    const head = themeHead(title, 'h3');
    card.appendChild(head);
    if (focused) {
      markFocus(card);
    }
    const tags = el('p', {class: 'tags'});
    if (p.chosen) {
      tags.appendChild(el('span', {class: 'tag tag-chosen'}, [icon('check'),
        el('span', {text: t('proposal.chosen')})]));
    }
    if (joined) {
      tags.appendChild(el('span', {class: 'tag', text: t('theme.joined')}));
    }
    if (from) {
      tags.appendChild(el('span', {class: 'tag tag-table', text: from}));
    }
    if (tags.firstChild) {
      head.appendChild(tags); // on the theme's line where it fits: the aim comes sooner
    }
    // The button right under the theme's name, as on the action cards (phone-actions.js),
    // then the aim and the ideas: on a 320×568 phone the first card's button is in sight.
    if (given) {
      card.appendChild(mark('check', t('priority.given'), 'chosen-mark'));
      card.appendChild(el('div', {class: 'actions'}, [
        sendButton(t('priority.retract'), 'secondary', 'retract', busy, function () {
          send('retract_priority', {theme_id: p.theme}, ctx);
        })]));
    } else {
      card.appendChild(el('div', {class: 'actions'}, [
        sendButton(t('priority.cast'), 'primary wide-button', 'cast', busy || out, function () {
          if (priorityLeft() <= 0) {
            refuse(ctx, t('priority.none_left', {budget: settings().vote_budget || 0}));
            return;
          }
          send('cast_priority', {theme_id: p.theme}, ctx);
        })]));
    }
    if (busy) {
      card.appendChild(sendingLine());
    }
    card.appendChild(phone.errors.line(ctx));
    // The aim with its name in front, on the same lines.
    card.appendChild(el('p', {class: 'aim-line'}, [
      el('span', {class: 'aim-label', text: t('proposal.aim')}),
      userText('span', String(p.aim), 'aim-text')]));
    if (Array.isArray(p.ideas) && p.ideas.length) {
      card.appendChild(el('p', {class: 'field-name', text: t('proposal.ideas')}));
      const list = el('ul', {class: 'ideas-list'});
      p.ideas.forEach(function (/** @type {string} */ idea) {
        list.appendChild(userText('li', idea));
      });
      card.appendChild(list);
    }
    if (typeof p.priority_count === 'number') {
      card.appendChild(mark('vote', t('priority.count', {n: p.priority_count}), 'tally'));
    }
    return card;
  });
}

/** @returns {string} the part to show first: writing, unless my themes' are written */
function firstTab() {
  const mine = (me().themes || []).filter(function (/** @type {string} */ id) {
    return items('themes').has(id);
  });
  const unwritten = mine.some(function (/** @type {string} */ id) {
    const p = items('proposals').get(id);
    return !p || !p.aim;
  });
  return !unwritten && writtenProposals().length > 0 ? 'priority' : 'write';
}

/** Step 3: writing my themes' proposals, or 「優先したい」 on everyone's. */
export function draw() {
  const tab = tabOf('activity', firstTab);
  showTab('activity', tab);
  if (tab === 'write') {
    const all = themeList();
    const mine = all.filter(function (th) { return meHas('themes', th.id); });
    byId('write-join').hidden = mine.length > 0;
    byId('join-empty').hidden = mine.length > 0 || all.length > 0;
    const rows = arranged('join', mine.length ? [] : all, function (th) { return String(th.id); },
      themeOwner, 'table.themes', 'table.room_themes');
    reconcile(byId('join-list'), rows, function (row) { return row.key; },
      function (row, before) {
        return row.item ? themeCard(row.item, before, row.other) : rowNode(row, before);
      });
    reconcile(byId('proposal-forms'), mine, function (th) { return th.id; }, ownForms);
  } else {
    byId('priority-left').textContent = t('priority.left', {n: Math.max(0, priorityLeft())});
    byId('priority-hint').textContent = t('priority.hint',
      {budget: settings().vote_budget || 0});
    const written = writtenProposals();
    reconcile(byId('proposal-list'), written, function (p) { return String(p.theme); },
      proposalCard);
    byId('proposals-empty').hidden = written.length > 0;
    const budget = settings().vote_budget || 0;
    const out = byId('votes-out');
    out.textContent = t('priority.none_left', {budget: budget});
    out.hidden = !(written.length > 0 && budget > 0 && priorityLeft() <= 0);
  }
}

/**
 * A proposal was saved: say so on its card until it is changed again.
 * @param {Command} cmd
 */
export function acked(cmd) {
  if (cmd.name === 'write_proposal') {
    saved[String(cmd.args.theme_id)] = true;
  }
}
