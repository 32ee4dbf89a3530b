// Step 3 workspace (地域の活動にしよう): each theme's proposal (計画案) — write it (for the
// person being entered for, in 代理入力), mark it chosen, turn it into an action.

import {t, el, byId} from './page.js';
import {userText, charCount} from './ui.js';
import {
  board, state, send, sendAs, button, keyed, busy, draftInput, dropDraft, render, proxyPerson,
  proxySig, themes, fact, addFact, errors, focusKeeper
} from './console-core.js';
import {tableLabel} from './console-table-board.js';
import {limit} from './vocab.js';

/** @typedef {import('./console-core.js').Item} Item */

const AIM_MAX = limit('PROPOSAL_AIM_MAX_CHARS');
const IDEAS_MAX = limit('IDEAS_MAX');

/**
 * @param {Item} theme
 * @returns {string}
 */
function proposalSig(theme) {
  const ctx = 'proposal:' + theme.id;
  const actions = Array.from(board.collections.actions.values()).filter(function (a) {
    return a.theme === theme.id;
  }).length;
  return JSON.stringify([theme, board.collections.proposals.get(theme.id) || null,
    state.open[ctx] || '', errors.get(ctx), busy(ctx), proxySig(), actions,
    tableLabel(theme.table, true)]);
}

/**
 * One theme's proposal card.
 * @param {Item} theme
 * @returns {HTMLElement}
 */
function proposalCard(theme) {
  const ctx = 'proposal:' + theme.id;
  const proposal = board.collections.proposals.get(theme.id) || null;
  const written = !!(proposal && proposal.aim);
  const chosen = !!(proposal && proposal.chosen);
  const actions = Array.from(board.collections.actions.values()).filter(function (a) {
    return a.theme === theme.id;
  });
  const card = el('article', {class: 'proposal-card' + (chosen ? ' is-chosen' : ''),
    'data-theme-id': theme.id});
  const head = el('div', {class: 'card-head'}, [
    userText('h3', String(theme.title), 'card-title')
  ]);
  const table = tableLabel(theme.table, true);
  if (table) {
    // A table's proposal joins the room's priority vote: which table wrote it.
    head.appendChild(el('span', {class: 'chip-table', text: table}));
  }
  if (chosen) {
    head.appendChild(el('span', {class: 'badge badge-chosen', text: t('console.proposal.chosen')}));
  }
  card.appendChild(head);
  const meta = el('p', {class: 'card-meta'}, [
    el('span', {text: t('console.theme.members', {n: theme.member_count})})
  ]);
  if (proposal && typeof proposal.priority_count === 'number') {
    meta.appendChild(el('span', {class: 'priority',
      text: t('console.proposal.priority', {n: proposal.priority_count})}));
  }
  if (actions.length) {
    meta.appendChild(el('span', {text: t('console.proposal.has_actions', {n: actions.length})}));
  }
  card.appendChild(meta);

  if (state.open[ctx] === 'edit') {
    card.appendChild(proposalForm(theme, proposal));
    card.appendChild(errors.line(ctx));
    return card;
  }
  if (written) {
    const dl = el('dl', {class: 'facts'});
    addFact(dl, fact(t('console.proposal.aim'), String(proposal.aim)));
    const ideas = el('ul', {class: 'ideas'});
    (proposal.ideas || []).forEach(function (/** @type {string} */ idea) {
      ideas.appendChild(userText('li', idea));
    });
    addFact(dl, fact(t('console.proposal.ideas'),
      (proposal.ideas || []).length ? ideas : ''));
    card.appendChild(dl);
  } else {
    card.appendChild(el('p', {class: 'empty', text: t('console.proposal.none')}));
  }
  const tools = el('div', {class: 'actions'}, [
    button(t(written ? 'console.proposal.edit' : 'console.proposal.write'), function () {
      state.open[ctx] = 'edit';
      state.drafts[ctx] = {aim: proposal ? proposal.aim : '',
        ideas: proposal ? (proposal.ideas || []).join('\n') : ''};
      focusKeeper.ask('aim-' + theme.id);
      render();
    }, {fk: 'proposal-edit:' + theme.id, kind: written ? 'secondary' : 'primary'}),
    written ? button(t(chosen ? 'console.proposal.unchoose' : 'console.proposal.choose'),
      function () {
        send('choose_proposal', {theme_id: theme.id, chosen: !chosen}, ctx);
      }, {fk: 'choose:' + theme.id, pressed: chosen, kind: chosen ? 'secondary' : 'primary'})
      : null,
    chosen ? button(t('console.proposal.to_action'), function () {
      send('create_action', {title: theme.title, theme_id: theme.id}, ctx, {ok: function () {
        state.view = 'actions';
      }});
    }, {fk: 'to-action:' + theme.id, kind: 'primary'}) : null
  ]);
  card.appendChild(tools);
  const person = proxyPerson();
  if (person && written) {
    card.appendChild(el('div', {class: 'actions proxy-actions'}, [
      el('span', {class: 'proxy-who', text: t('console.proxy.for', {name: person.name})}),
      button(t('console.priority.cast'), function () {
        sendAs('cast_priority', {theme_id: theme.id}, ctx);
      }, {kind: 'proxy', fk: 'priority:' + theme.id}),
      button(t('console.vote.retract'), function () {
        sendAs('retract_priority', {theme_id: theme.id}, ctx);
      }, {fk: 'unpriority:' + theme.id})
    ]));
  }
  card.appendChild(errors.line(ctx));
  return card;
}

/**
 * @param {Item} theme
 * @param {(Item|null)} proposal
 * @returns {HTMLElement}
 */
function proposalForm(theme, proposal) {
  const ctx = 'proposal:' + theme.id;
  const aim = draftInput(ctx, 'aim', {label: t('console.proposal.aim'), multiline: true,
    rows: 2, id: 'aim-' + theme.id, initial: proposal ? proposal.aim : ''});
  const ideas = draftInput(ctx, 'ideas', {label: t('console.proposal.ideas_one_per_line'),
    multiline: true, rows: 4, id: 'ideas-' + theme.id});
  const form = el('form', {class: 'form', novalidate: true}, [
    aim.label, aim.input, ideas.label, ideas.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small', text: t('note.save')}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        errors.clear(ctx);
        dropDraft(ctx);
        focusKeeper.ask('proposal-edit:' + theme.id);
        render();
      })
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const draft = state.drafts[ctx];
    const aimText = String(draft.aim || '').trim();
    const list = String(draft.ideas || '').split('\n').map(function (s) {
      return s.trim();
    }).filter(Boolean);
    let problem = '';
    if (!aimText) {
      problem = t('error.empty_aim');
    } else if (charCount(aimText) > AIM_MAX) {
      problem = t('error.aim_too_long', {max: AIM_MAX, length: charCount(aimText)});
    } else if (list.length > IDEAS_MAX) {
      problem = t('error.too_many', {max: IDEAS_MAX});
    }
    if (problem) {
      errors.set(ctx, problem);
      render();
      return;
    }
    send('write_proposal', {theme_id: theme.id, aim: aimText, ideas: list}, ctx, {
      ok: function () {
        delete state.open[ctx];
        dropDraft(ctx);
        focusKeeper.ask('proposal-edit:' + theme.id);
      }
    });
  });
  return form;
}

/** Draw the proposals workspace (step 3). */
export function drawProposals() {
  const list = themes();
  keyed(byId('proposals'), list, function (th) { return th.id; }, proposalSig, proposalCard);
  byId('proposals-empty').hidden = list.length > 0;
  const s = board.workshop.settings || {};
  byId('priority-budget').textContent = t('console.proposal.budget', {n: s.vote_budget || limit('DEFAULT_VOTE_BUDGET')});
}
