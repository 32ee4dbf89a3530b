// The server's vocabulary for this page: the limits a page checks before sending, the enums
// with their labels in the page's language, the views a step may show and the workshop's
// steps (each with its view and its words). The server writes it into the page as the JSON
// block with id "vocab" (server/vocab.py); nothing here is a domain fact of its own, and a
// test (tests/client/test_vocab.py) keeps the block equal to facilitation/.

/**
 * @typedef {{id: string, label: string}} Choice one value of an enum and its label
 * @typedef {{id: string, view: string, opens: Array<string>, label: string, prompt: string,
 *   subtitle: string, program_label: string, program_prompt: string}} Step
 *   label and prompt: the words phones and the console show; program_label and
 *   program_prompt: the program's own, which the projector shows
 * @typedef {{limits: Object<string, any>, enums: Object<string, Array<Choice>>,
 *   views: Array<string>, steps: Array<Step>}} Vocabulary
 */

/** @type {(Vocabulary|null)} */
let loaded = null;

/** @returns {Vocabulary} the page's block, read once */
function vocab() {
  if (loaded === null) {
    const block = document.getElementById('vocab');
    /** @type {Vocabulary} */
    let read = {limits: {}, enums: {}, views: [], steps: []};
    try {
      read = Object.assign(read, JSON.parse(block ? block.textContent || '{}' : '{}'));
    } catch (e) {
      // A page without its block (never served so): every lookup says what is missing.
    }
    loaded = read;
  }
  return loaded;
}

/**
 * A limit from facilitation/limits.py, by its name there (NOTE_MAX_CHARS …).
 * @param {string} name
 * @returns {number}
 */
export function limit(name) {
  const value = vocab().limits[name];
  if (typeof value !== 'number') {
    throw new Error('vocab.js: the page was given no limit ' + name);
  }
  return value;
}

/**
 * The ceilings by what they count, and how full one is when the console starts saying so.
 * @returns {{max: Object<string, number>, share: number}}
 */
export function ceilings() {
  const limits = vocab().limits;
  return {max: Object.assign({}, limits.CEILINGS || {}), share: limit('NEAR_CEILING_SHARE')};
}

/**
 * The values of an enum in their order, with labels (note_kinds, forms, statuses,
 * review_columns, attributes, partners, centers).
 * @param {string} name
 * @returns {Array<Choice>}
 */
export function choices(name) {
  const list = vocab().enums[name];
  if (!Array.isArray(list)) {
    throw new Error('vocab.js: the page was given no enum ' + name);
  }
  return list.map(function (c) { return {id: c.id, label: c.label}; });
}

/**
 * @param {string} name an enum
 * @returns {Array<string>} its values, in order
 */
export function ids(name) {
  return choices(name).map(function (c) { return c.id; });
}

/**
 * The label of one value of an enum (the value itself when the enum does not have it).
 * @param {string} name
 * @param {string} id
 * @returns {string}
 */
export function label(name, id) {
  const found = choices(name).filter(function (c) { return c.id === id; })[0];
  return found ? found.label : String(id);
}

/** @returns {Array<string>} the views a step may show, in the console's tab order */
export function views() {
  return vocab().views.slice();
}

/** @returns {Array<Step>} the workshop's steps, in order */
export function steps() {
  return vocab().steps.slice();
}

/**
 * @param {(string|null|undefined)} id
 * @returns {(Step|null)} the program's step, or null when it has none of that id
 */
export function step(id) {
  return vocab().steps.filter(function (s) { return s.id === id; })[0] || null;
}

/**
 * @param {(string|null|undefined)} id
 * @returns {number} the step's place in the program from 1, or 0 when it has none
 */
export function stepNumber(id) {
  const found = step(id);
  return found ? vocab().steps.indexOf(found) + 1 : 0;
}

/**
 * The view a step shows (the first view for a step the program does not have).
 * @param {(string|null|undefined)} id
 * @returns {string}
 */
export function viewOf(id) {
  const found = step(id);
  return found ? found.view : vocab().views[0];
}
