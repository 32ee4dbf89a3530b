// Steps 3 and 4 workspaces: each theme's proposal (計画案) — write it, mark it chosen,
// turn it into an action — and the actions themselves with their 担い手, 協働のかたち,
// partners, first step and date, the lead among the volunteers, and how each stands
// (the DO of the plan); then the role board: actions down, who and which form across.

import {t, el, userText, charCount} from './ui.js';
import {
  board, state, send, sendAs, button, errorLine, keyed, busy, draftInput, dropDraft, render,
  proxyPerson, proxySig, themes, themeTitle, personName, FORMS, PARTNERS, STATUSES
} from './console-core.js';

/** @typedef {import('./console-core.js').Item} Item */

const AIM_MAX = 200;
const IDEAS_MAX = 10;
const ACTION_TITLE_MAX = 60;
const PARTNERS_MAX = 8;

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * A fact of a card: a term and what it is ('—' when empty).
 * @param {string} term
 * @param {(string|Node)} value
 * @returns {Array<HTMLElement>}
 */
function fact(term, value) {
  const dd = el('dd');
  if (typeof value === 'string') {
    dd.appendChild(value ? userText('span', value) : el('span', {class: 'empty', text: '—'}));
  } else {
    dd.appendChild(value);
  }
  return [el('dt', {text: term}), dd];
}

/**
 * @param {HTMLElement} dl
 * @param {Array<HTMLElement>} pair
 */
function addFact(dl, pair) {
  dl.appendChild(pair[0]);
  dl.appendChild(pair[1]);
}

// --- proposals ---------------------------------------------------------------------------

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
    state.open[ctx] || '', state.errors[ctx] || '', busy(ctx), proxySig(), actions]);
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
    card.appendChild(errorLine(ctx));
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
      state.focusNext = 'aim-' + theme.id;
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
  card.appendChild(errorLine(ctx));
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
        delete state.errors[ctx];
        dropDraft(ctx);
        state.focusNext = 'proposal-edit:' + theme.id;
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
      state.errors[ctx] = problem;
      render();
      return;
    }
    send('write_proposal', {theme_id: theme.id, aim: aimText, ideas: list}, ctx, {
      ok: function () {
        delete state.open[ctx];
        dropDraft(ctx);
        state.focusNext = 'proposal-edit:' + theme.id;
      }
    });
  });
  return form;
}

function drawProposals() {
  const list = themes();
  keyed(byId('proposals'), list, function (th) { return th.id; }, proposalSig, proposalCard);
  byId('proposals-empty').hidden = list.length > 0;
  const s = board.workshop.settings || {};
  byId('priority-budget').textContent = t('console.proposal.budget', {n: s.vote_budget || 3});
}

// --- actions -----------------------------------------------------------------------------

/**
 * @param {string} form
 * @returns {string}
 */
export function formLabel(form) {
  return t('form.' + form);
}

/**
 * @param {Item} action
 * @returns {string}
 */
function actionSig(action) {
  const ctx = 'action:' + action.id;
  return JSON.stringify([action, themeTitle(action.theme), state.open[ctx] || '',
    state.errors[ctx] || '', busy(ctx), proxySig(), state.errors['status:' + action.id] || '',
    busy('status:' + action.id)]);
}

/**
 * One action's card.
 * @param {Item} action
 * @returns {HTMLElement}
 */
function actionCard(action) {
  const ctx = 'action:' + action.id;
  const card = el('article', {class: 'action-card', 'data-action-id': action.id});
  card.appendChild(el('div', {class: 'card-head'}, [
    userText('h3', String(action.title), 'card-title'),
    el('span', {class: 'badge status-' + action.status, text: t('status.' + action.status)})
  ]));
  if (action.theme) {
    card.appendChild(el('p', {class: 'card-meta'}, [
      el('span', {text: t('console.action.from_theme')}),
      userText('span', themeTitle(action.theme))
    ]));
  }
  if (state.open[ctx] === 'edit') {
    card.appendChild(actionForm(action));
    card.appendChild(errorLine(ctx));
    return card;
  }
  const dl = el('dl', {class: 'facts'});
  addFact(dl, fact(t('console.action.form'), el('span', {class: 'form-chip form-' + action.form,
    text: formLabel(action.form)})));
  addFact(dl, fact(t('console.action.partners'), (action.partners || []).join('、')));
  addFact(dl, fact(t('console.action.first_step'), String(action.first_step || '')));
  addFact(dl, fact(t('console.action.due'), String(action.due || '')));
  card.appendChild(dl);
  card.appendChild(volunteersBlock(action));
  const person = proxyPerson();
  const tools = el('div', {class: 'actions'}, [
    button(t('console.action.edit'), function () {
      const partners = action.partners || [];
      state.open[ctx] = 'edit';
      state.drafts[ctx] = {title: action.title, form: action.form,
        partners: partners.filter(function (/** @type {string} */ p) {
          return PARTNERS.indexOf(p) >= 0;
        }),
        other: partners.filter(function (/** @type {string} */ p) {
          return PARTNERS.indexOf(p) < 0;
        }).join('、'),
        first_step: action.first_step || '', due: action.due || ''};
      state.focusNext = 'action-title-' + action.id;
      render();
    }, {fk: 'action-edit:' + action.id, kind: 'primary'})
  ]);
  card.appendChild(tools);
  if (person) {
    const mine = (action.volunteers || []).some(function (/** @type {Item} */ v) {
      return v.id === person.id;
    });
    card.appendChild(el('div', {class: 'actions proxy-actions'}, [
      el('span', {class: 'proxy-who', text: t('console.proxy.for', {name: person.name})}),
      mine
        ? button(t('console.action.withdraw'), function () {
          sendAs('withdraw', {action_id: action.id}, ctx);
        }, {fk: 'withdraw:' + action.id})
        : button(t('console.action.volunteer'), function () {
          sendAs('volunteer', {action_id: action.id}, ctx);
        }, {kind: 'proxy', fk: 'volunteer:' + action.id})
    ]));
  }
  card.appendChild(errorLine(ctx));
  // How it stands matters after the evening (the review, a later meeting): folded here.
  const statusKey = 'status:' + action.id;
  const details = el('details', {class: 'status-details'}, [
    el('summary', {text: t('console.action.status_summary',
      {status: t('status.' + action.status)})}),
    statusForm(action, 'status-a')
  ]);
  /** @type {HTMLDetailsElement} */ (details).open = !!state.open[statusKey] ||
    !!state.errors[statusKey];
  details.addEventListener('toggle', function () {
    if (/** @type {HTMLDetailsElement} */ (details).open) {
      state.open[statusKey] = 'open';
    } else {
      delete state.open[statusKey];
    }
  });
  card.appendChild(details);
  return card;
}

/**
 * Who said やります, the lead marked, and the choice of the lead.
 * @param {Item} action
 * @returns {HTMLElement}
 */
function volunteersBlock(action) {
  const ctx = 'action:' + action.id;
  const volunteers = action.volunteers || [];
  const box = el('div', {class: 'volunteers'}, [
    el('h4', {text: t('console.action.volunteers', {n: volunteers.length})})
  ]);
  if (!volunteers.length) {
    box.appendChild(el('p', {class: 'empty', text: t('console.action.no_volunteers')}));
    return box;
  }
  const list = el('ul', {class: 'volunteer-list'});
  volunteers.forEach(function (/** @type {Item} */ v) {
    const lead = v.id === action.lead;
    list.appendChild(el('li', {class: lead ? 'is-lead' : null}, [
      lead ? el('span', {class: 'lead-mark', text: t('console.action.lead_mark')}) : null,
      userText('span', String(v.name))
    ]));
  });
  box.appendChild(list);
  const id = 'lead-' + action.id;
  const select = /** @type {HTMLSelectElement} */ (el('select', {id: id, 'data-fk': id}));
  select.appendChild(el('option', {value: '', text: t('console.action.no_lead')}));
  volunteers.forEach(function (/** @type {Item} */ v) {
    select.appendChild(el('option', {value: v.id, dir: 'auto', text: String(v.name)}));
  });
  select.value = action.lead || '';
  select.addEventListener('change', function () {
    send('set_lead', {action_id: action.id, participant_id: select.value || null}, ctx);
  });
  box.appendChild(el('p', {class: 'inline-field'}, [
    el('label', {for: id, text: t('console.action.lead')}), select
  ]));
  return box;
}

/**
 * How an action stands, and what was done (the plan's DO); its own error line.
 * @param {Item} action
 * @param {string} prefix keeps ids apart when the form is on two workspaces
 * @returns {HTMLElement}
 */
export function statusForm(action, prefix) {
  const ctx = 'status:' + action.id;
  const key = ctx + ':' + prefix;
  // A form nobody has touched follows the action (a 担い手 may set it from their phone).
  if (!state.drafts[key] || !state.drafts[key].dirty) {
    state.drafts[key] = {status: action.status, record: action.record || ''};
  }
  const draft = state.drafts[key];
  const id = prefix + '-' + action.id;
  const select = /** @type {HTMLSelectElement} */ (el('select', {id: id, 'data-fk': id}));
  STATUSES.forEach(function (s) {
    select.appendChild(el('option', {value: s, text: t('status.' + s)}));
  });
  select.value = draft.status;
  select.addEventListener('change', function () {
    draft.status = select.value;
    draft.dirty = true;
  });
  const record = draftInput(key, 'record', {label: t('console.action.record'), multiline: true,
    rows: 2, id: id + '-record'});
  record.input.addEventListener('input', function () { draft.dirty = true; });
  const form = el('form', {class: 'form status-form', novalidate: true}, [
    el('p', {class: 'inline-field'}, [
      el('label', {for: id, text: t('console.action.status')}), select
    ]),
    record.label, record.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button secondary small',
        text: t('console.action.status_save'), 'data-fk': id + '-save'})
    ]),
    errorLine(ctx)
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    send('set_action_status', {action_id: action.id, status: draft.status,
      record: String(draft.record || '')}, ctx, {ok: function () { dropDraft(key); }});
  });
  return form;
}

/**
 * The edit form of an action: title, 協働のかたち, partners, first step, date.
 * @param {Item} action
 * @returns {HTMLElement}
 */
function actionForm(action) {
  const ctx = 'action:' + action.id;
  const draft = state.drafts[ctx];
  const title = draftInput(ctx, 'title', {label: t('console.action.title'),
    id: 'action-title-' + action.id, maxlength: ACTION_TITLE_MAX + 10});
  const forms = el('fieldset', {class: 'form-choices'}, [
    el('legend', {class: 'field-label', text: t('console.action.form')})
  ]);
  FORMS.forEach(function (form) {
    const id = 'form-' + action.id + '-' + form;
    const input = /** @type {HTMLInputElement} */ (el('input', {type: 'radio',
      class: 'choice-input', name: 'form-' + action.id, id: id, value: form, 'data-fk': id}));
    input.checked = draft.form === form;
    input.addEventListener('change', function () {
      if (input.checked) {
        draft.form = form;
      }
    });
    forms.appendChild(input);
    forms.appendChild(el('label', {class: 'choice form-choice form-' + form, for: id}, [
      el('span', {class: 'form-name', text: formLabel(form)}),
      el('span', {class: 'form-hint', text: t('form.' + form + '.hint')})
    ]));
  });
  const partners = el('fieldset', {class: 'partner-choices'}, [
    el('legend', {class: 'field-label', text: t('console.action.partners')})
  ]);
  PARTNERS.forEach(function (name, i) {
    const id = 'partner-' + action.id + '-' + i;
    const box = /** @type {HTMLInputElement} */ (el('input', {type: 'checkbox',
      class: 'check-input', id: id, value: name, 'data-fk': id}));
    box.checked = draft.partners.indexOf(name) >= 0;
    box.addEventListener('change', function () {
      const at = draft.partners.indexOf(name);
      if (box.checked && at < 0) {
        draft.partners.push(name);
      } else if (!box.checked && at >= 0) {
        draft.partners.splice(at, 1);
      }
    });
    partners.appendChild(el('span', {class: 'check'}, [box,
      el('label', {for: id, class: 'check-label', text: name})]));
  });
  const other = draftInput(ctx, 'other', {label: t('console.action.partners_other'),
    id: 'partner-other-' + action.id});
  const first = draftInput(ctx, 'first_step', {label: t('console.action.first_step'),
    multiline: true, rows: 2, id: 'first-step-' + action.id});
  const due = draftInput(ctx, 'due', {label: t('console.action.due'), type: 'date',
    id: 'due-' + action.id});
  const form = el('form', {class: 'form action-form', novalidate: true}, [
    title.label, title.input, forms, partners, other.label, other.input,
    el('p', {class: 'hint', text: t('console.action.partners_other_hint')}),
    first.label, first.input, due.label, due.input,
    el('div', {class: 'actions'}, [
      el('button', {type: 'submit', class: 'button primary small', text: t('note.save'),
        'data-fk': 'action-save:' + action.id}),
      button(t('note.cancel'), function () {
        delete state.open[ctx];
        delete state.errors[ctx];
        dropDraft(ctx);
        state.focusNext = 'action-edit:' + action.id;
        render();
      })
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const names = draft.partners.slice();
    String(draft.other || '').split(/[、,，\n]/).forEach(function (s) {
      const name = s.trim();
      if (name && names.indexOf(name) < 0) {
        names.push(name);
      }
    });
    const titleText = String(draft.title || '').trim();
    let problem = '';
    if (!titleText) {
      problem = t('error.empty_action');
    } else if (charCount(titleText) > ACTION_TITLE_MAX) {
      problem = t('error.action_too_long', {max: ACTION_TITLE_MAX});
    } else if (names.length > PARTNERS_MAX) {
      problem = t('error.too_many', {max: PARTNERS_MAX});
    }
    if (problem) {
      state.errors[ctx] = problem;
      render();
      return;
    }
    /** @type {Object<string, any>} */
    const args = {action_id: action.id, title: titleText, partners: names,
      first_step: String(draft.first_step || ''), due: String(draft.due || '')};
    if (draft.form) {
      args.form = draft.form;
    }
    send('update_action', args, ctx, {ok: function () {
      delete state.open[ctx];
      dropDraft(ctx);
      state.focusNext = 'action-edit:' + action.id;
    }});
  });
  return form;
}

let newActionSig = '';

function drawNewAction() {
  const list = themes();
  const sig = JSON.stringify([list.map(function (th) { return [th.id, th.title]; }),
    state.errors['new-action'] || '', busy('new-action')]);
  if (sig === newActionSig) {
    return;
  }
  newActionSig = sig;
  const box = byId('new-action');
  box.textContent = '';
  const key = 'new-action';
  const title = draftInput(key, 'title', {label: t('console.action.title'), id: 'new-action-title',
    maxlength: ACTION_TITLE_MAX + 10});
  const select = /** @type {HTMLSelectElement} */ (el('select', {id: 'new-action-theme',
    'data-fk': 'new-action-theme'}));
  select.appendChild(el('option', {value: '', text: t('console.action.no_theme')}));
  list.forEach(function (th) {
    select.appendChild(el('option', {value: th.id, dir: 'auto', text: th.title}));
  });
  const draft = state.drafts[key];
  select.value = draft.theme || '';
  select.addEventListener('change', function () {
    draft.theme = select.value;
  });
  const form = el('form', {class: 'form new-action-form', novalidate: true}, [
    el('div', {class: 'row'}, [
      el('div', {class: 'grow'}, [title.label, title.input]),
      el('div', {}, [el('label', {class: 'field-label', for: 'new-action-theme',
        text: t('console.action.theme')}), select]),
      el('div', {class: 'row-end'}, [el('button', {type: 'submit', class: 'button primary',
        text: t('console.action.create'), 'data-fk': 'new-action-create'})])
    ]),
    errorLine('new-action')
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const text = String(draft.title || '').trim();
    if (!text) {
      state.errors['new-action'] = t('error.empty_action');
      newActionSig = '';
      render();
      return;
    }
    const theme = draft.theme || '';
    send('create_action', {title: text, theme_id: theme || null}, 'new-action', {
      fail: function () {
        // The words come back, to be fixed rather than typed again.
        const again = state.drafts[key] || (state.drafts[key] = {});
        if (!again.title) {
          again.title = text;
          again.theme = theme;
        }
        newActionSig = '';
      }
    });
    dropDraft(key);
    newActionSig = '';
    state.focusNext = 'new-action-title';
    render();
  });
  box.appendChild(form);
}

let roleSig = '';

/** The role board: actions down; who, which form and with whom across. */
function drawRoleBoard() {
  const actions = Array.from(board.collections.actions.values());
  const sig = JSON.stringify(actions);
  if (sig === roleSig) {
    return;
  }
  roleSig = sig;
  const table = byId('role-board');
  table.textContent = '';
  table.appendChild(el('caption', {text: t('console.roles.caption')}));
  const headRow = el('tr', {}, [
    el('th', {scope: 'col', text: t('console.roles.action')}),
    el('th', {scope: 'col', text: t('console.roles.who')})
  ]);
  FORMS.forEach(function (form) {
    headRow.appendChild(el('th', {scope: 'col', class: 'form-col form-' + form,
      text: formLabel(form)}));
  });
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.partners')}));
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.first_step')}));
  headRow.appendChild(el('th', {scope: 'col', text: t('console.action.due')}));
  table.appendChild(el('thead', {}, [headRow]));
  const tbody = el('tbody');
  actions.forEach(function (action) {
    const who = el('ul', {class: 'who'});
    (action.volunteers || []).forEach(function (/** @type {Item} */ v) {
      const lead = v.id === action.lead;
      who.appendChild(el('li', {class: lead ? 'is-lead' : null}, [
        lead ? el('span', {class: 'lead-mark', text: t('console.action.lead_mark')}) : null,
        userText('span', String(v.name || personName(v.id)))
      ]));
    });
    const row = el('tr', {'data-action-id': action.id}, [
      el('th', {scope: 'row'}, [userText('span', String(action.title))]),
      el('td', {class: 'who-col'}, [(action.volunteers || []).length ? who
        : el('span', {class: 'empty', text: t('console.roles.nobody')})])
    ]);
    FORMS.forEach(function (form) {
      const here = action.form === form;
      row.appendChild(el('td', {class: 'form-col' + (here ? ' is-form form-' + form : ''),
        'aria-label': here ? formLabel(form) : null}, [
        here ? el('span', {class: 'form-dot', 'aria-hidden': 'true', text: '●'}) : null
      ]));
    });
    row.appendChild(el('td', {class: 'partners-col'},
      [userText('span', (action.partners || []).join('、'))]));
    row.appendChild(el('td', {class: 'first-col'},
      [userText('span', String(action.first_step || ''))]));
    row.appendChild(el('td', {class: 'due', text: action.due || ''}));
    tbody.appendChild(row);
  });
  table.appendChild(tbody);
  byId('roles-empty').hidden = actions.length > 0;
  table.hidden = actions.length === 0;
}

function drawActions() {
  drawNewAction();
  const actions = Array.from(board.collections.actions.values());
  keyed(byId('actions'), actions, function (a) { return a.id; }, actionSig, actionCard);
  byId('actions-empty').hidden = actions.length > 0;
  drawRoleBoard();
}

/** Draw the proposals and actions workspaces. */
export function drawPlan() {
  drawProposals();
  drawActions();
}
