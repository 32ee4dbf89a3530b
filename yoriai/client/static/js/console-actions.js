// Step 4 workspace (実践しよう): the actions with their 担い手, 協働のかたち, partners, first
// step and date, the lead among the volunteers, and how each stands (the DO of the plan);
// the role board under them (console-roles.js).

import {t, el, byId} from './page.js';
import {userText, charCount} from './ui.js';
import {
  board, state, send, sendAs, button, keyed, busy, draftInput, dropDraft, render, proxyPerson,
  proxySig, themes, themeTitle, fact, addFact, errors, focusKeeper
} from './console-core.js';
import {drawRoleBoard, formLabel} from './console-roles.js';
import {ids, label, limit} from './vocab.js';

/** @typedef {import('./console-core.js').Item} Item */

const ACTION_TITLE_MAX = limit('ACTION_TITLE_MAX_CHARS');
const PARTNERS_MAX = limit('PARTNERS_MAX');
/** 協働のかたち, from citizens alone to the city alone; the statuses of an action; the
 * partners offered as ticks (any other may be typed). */
const FORMS = ids('forms');
const STATUSES = ids('statuses');
const PARTNERS = ids('partners');

/**
 * @param {Item} action
 * @returns {string}
 */
function actionSig(action) {
  const ctx = 'action:' + action.id;
  return JSON.stringify([action, themeTitle(action.theme), state.open[ctx] || '',
    errors.get(ctx), busy(ctx), proxySig(), errors.get('status:' + action.id),
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
    el('span', {class: 'badge status-' + action.status, text: label('statuses', action.status)})
  ]));
  if (action.theme) {
    card.appendChild(el('p', {class: 'card-meta'}, [
      el('span', {text: t('console.action.from_theme')}),
      userText('span', themeTitle(action.theme))
    ]));
  }
  if (state.open[ctx] === 'edit') {
    card.appendChild(actionForm(action));
    card.appendChild(errors.line(ctx));
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
      focusKeeper.ask('action-title-' + action.id);
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
  card.appendChild(errors.line(ctx));
  // How it stands matters after the evening (the review, a later meeting): folded here.
  const statusKey = 'status:' + action.id;
  const details = el('details', {class: 'status-details'}, [
    el('summary', {text: t('console.action.status_summary',
      {status: label('statuses', action.status)})}),
    statusForm(action, 'status-a')
  ]);
  /** @type {HTMLDetailsElement} */ (details).open = !!state.open[statusKey] ||
    !!errors.get(statusKey);
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
    select.appendChild(el('option', {value: s, text: label('statuses', s)}));
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
    errors.line(ctx)
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
        errors.clear(ctx);
        dropDraft(ctx);
        focusKeeper.ask('action-edit:' + action.id);
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
      errors.set(ctx, problem);
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
      focusKeeper.ask('action-edit:' + action.id);
    }});
  });
  return form;
}

let newActionSig = '';

function drawNewAction() {
  const list = themes();
  const sig = JSON.stringify([list.map(function (th) { return [th.id, th.title]; }),
    errors.get('new-action'), busy('new-action')]);
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
    errors.line('new-action')
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    const text = String(draft.title || '').trim();
    if (!text) {
      errors.set('new-action', t('error.empty_action'));
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
    focusKeeper.ask('new-action-title');
    render();
  });
  box.appendChild(form);
}

/** Draw the actions workspace (step 4): a new action, each action, the role board. */
export function drawActions() {
  drawNewAction();
  const actions = Array.from(board.collections.actions.values());
  keyed(byId('actions'), actions, function (a) { return a.id; }, actionSig, actionCard);
  byId('actions-empty').hidden = actions.length > 0;
  drawRoleBoard();
}
