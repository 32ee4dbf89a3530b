// The board as this page sees it, and THE one place a server message is dispatched.
//
// The client rule (docs/protocol.md): a snapshot replaces everything; an event with a seq
// at or below the one we have is ignored; otherwise its data is a patch of this viewer's
// view (facilitation/view.py): data.replace[kind] → replace the whole kind,
// data.upsert[kind] → upsert by id, data.remove[kind] → remove, data.workshop → merge,
// data.me → replace, data.tallies → merge. Events that come before the first snapshot
// wait for it.
// No domain rule lives here: the server has already decided what this viewer sees.

/**
 * @typedef {import('./ui.js').Note} Note
 * @typedef {import('./conn.js').Command} Command
 * @typedef {{id: string, name: string, attribute: string, proxy: boolean}} Person
 * @typedef {Object<string, any>} Message one JSON object from the server
 */

/** Kinds of things on the board that a snapshot or a patch may carry as lists. */
const KINDS = ['notes', 'participants', 'themes', 'proposals', 'actions', 'reviews', 'photos',
  'tables'];

/**
 * The key of one item of a kind (proposals are keyed by their theme).
 * @param {Message} item
 * @returns {string}
 */
function keyOf(item) {
  return String(item.id !== undefined ? item.id : item.theme);
}

export class Board {
  /** @param {import('./conn.js').Connection} conn */
  constructor(conn) {
    this.conn = conn;
    /** @type {(string|null)} */
    this.epoch = null;
    this.seq = 0;
    /** @type {(string|null)} */
    this.role = null;
    /** @type {(string|null)} */
    this.participantId = null;
    /** Whether a snapshot has arrived (events wait until it has). */
    this.ready = false;
    /** @type {Array<Message>} */
    this.buffer = [];
    /** Every kind, by id, in the order the items were made.
     * @type {Object<string, Map<string, Message>>} */
    this.collections = {};
    const collections = this.collections;
    KINDS.forEach(function (kind) { collections[kind] = new Map(); });
    this.participantCount = 0;
    /** Milliseconds to add to Date.now() to get the server's clock. */
    this.clockOffset = 0;
    /** @type {Message} the workshop header (code, title, center, step, …) */
    this.workshop = {};
    /** @type {(Message|null)} this participant, as the server sees them */
    this.me = null;
    /** @type {Object<string, number>} 共感 counts by note id, where this viewer may see them */
    this.tallies = {};
    /** @type {Array<function(string): void>} called after any change, with its kind */
    this.listeners = [];
    /** Called with (command or null, ack). @type {function((Command|null), Message): void} */
    this.onAck = function () {};
    /** Called with (command or null, error). @type {function((Command|null), Message): void} */
    this.onError = function () {};
    this.dispatch = this.dispatch.bind(this);
    this.resumeInfo = this.resumeInfo.bind(this);
  }

  /** @returns {Map<string, Note>} the notes this viewer may see */
  get notes() {
    return /** @type {Map<string, any>} */ (this.collections.notes);
  }

  /** @returns {Map<string, Person>} who has joined (facilitators only) */
  get participants() {
    return /** @type {Map<string, any>} */ (this.collections.participants);
  }

  /** @param {function(string): void} fn */
  listen(fn) {
    this.listeners.push(fn);
  }

  /** @param {string} what */
  changed(what) {
    this.listeners.forEach(function (fn) { fn(what); });
  }

  /** @returns {(import('./conn.js').Resume|null)} where a new socket may resume from */
  resumeInfo() {
    if (!this.ready || !this.epoch) {
      return null;
    }
    return {epoch: this.epoch, last_seq: this.seq};
  }

  /**
   * Handle one message from the server.
   * @param {Message} msg
   */
  dispatch(msg) {
    switch (msg.type) {
      case 'welcome':
        this.setClock(msg.now);
        this.epoch = msg.epoch;
        this.role = msg.role;
        this.participantId = msg.participant_id || null;
        this.conn.welcomed(msg.role);
        this.changed('welcome');
        break;
      case 'snapshot':
        this.applySnapshot(msg);
        break;
      case 'synced':
        this.seq = Math.max(this.seq, msg.seq);
        this.changed('synced');
        break;
      case 'event':
        if (!this.ready) {
          this.buffer.push(msg);
        } else if (this.applyEvent(msg)) {
          this.changed('event');
        }
        break;
      case 'ack': {
        const cmd = this.conn.settle(msg.id);
        if (cmd && cmd.name === 'join' && msg.result && msg.result.token) {
          this.conn.setToken(msg.result.token);
        }
        this.onAck(cmd, msg);
        break;
      }
      case 'error': {
        if (msg.code === 'bad_token' || msg.code === 'removed') {
          this.conn.forgetToken(); // names no one now: the phone may join again
        }
        if (msg.code === 'slow_down' && msg.id) {
          this.conn.retryLater(msg.id); // same id, a little later
          break;
        }
        if (msg.code === 'server_error' && msg.id) {
          // Nothing was stored and the server closes the line; the command stays queued
          // and goes again, with the same id, after the next welcome.
          this.onError(null, msg);
          break;
        }
        const cmd = this.conn.settle(msg.id);
        this.onError(cmd, msg);
        break;
      }
      case 'heartbeat':
      case 'pong':
        // The connection's watchdog has already heard it; the clock is worth keeping.
        this.setClock(msg.now);
        break;
      default:
        break;
    }
  }

  /** @param {Message} msg */
  applySnapshot(msg) {
    const state = msg.state || {};
    this.seq = msg.seq;
    this.setWorkshop(state.workshop || {});
    this.me = state.me || null;
    this.tallies = state.tallies || {};
    const self = this;
    KINDS.forEach(function (kind) { self.replaceKind(kind, state[kind] || []); });
    this.ready = true;
    const waiting = this.buffer;
    this.buffer = [];
    waiting.forEach(function (e) { self.applyEvent(e); });
    this.changed('snapshot');
  }

  /**
   * @param {Message} msg an event message
   * @returns {boolean} whether it changed anything
   */
  applyEvent(msg) {
    if (typeof msg.seq !== 'number' || msg.seq <= this.seq) {
      return false;
    }
    this.seq = msg.seq;
    const data = msg.data || {};
    const self = this;
    if (data.replace) {
      Object.keys(data.replace).forEach(function (kind) {
        self.replaceKind(kind, data.replace[kind]);
      });
    }
    if (data.upsert) {
      Object.keys(data.upsert).forEach(function (kind) {
        const items = self.kind(kind);
        (data.upsert[kind] || []).forEach(function (/** @type {Message} */ item) {
          items.set(keyOf(item), item);
        });
      });
    }
    if (data.remove) {
      Object.keys(data.remove).forEach(function (kind) {
        const items = self.kind(kind);
        (data.remove[kind] || []).forEach(function (/** @type {string} */ id) {
          items.delete(String(id));
        });
      });
    }
    if (data.workshop && typeof data.workshop === 'object') {
      // Merged: a join sends only the new head count, other changes the whole header.
      this.setWorkshop(Object.assign({}, this.workshop, data.workshop));
    }
    if (data.me !== undefined) {
      this.me = data.me;
    }
    if (data.tallies) {
      const merged = data.tallies_replace ? {} : Object.assign({}, this.tallies);
      Object.keys(data.tallies).forEach(function (id) {
        if (data.tallies[id]) {
          merged[id] = data.tallies[id];
        } else {
          delete merged[id];
        }
      });
      this.tallies = merged;
    }
    return true;
  }

  /**
   * @param {string} kind
   * @returns {Map<string, Message>}
   */
  kind(kind) {
    if (!this.collections[kind]) {
      this.collections[kind] = new Map();
    }
    return this.collections[kind];
  }

  /**
   * @param {string} kind
   * @param {Array<Message>} items
   */
  replaceKind(kind, items) {
    const map = new Map();
    (items || []).forEach(function (item) { map.set(keyOf(item), item); });
    this.collections[kind] = map;
  }

  /**
   * Keep the difference between the server's clock and ours, so that the shared timer
   * reads the same on every device whatever its own clock says.
   * @param {*} serverSeconds
   */
  setClock(serverSeconds) {
    if (typeof serverSeconds === 'number') {
      this.clockOffset = serverSeconds * 1000 - Date.now();
    }
  }

  /** @returns {number} the server's time now, in seconds */
  serverNow() {
    return (Date.now() + this.clockOffset) / 1000;
  }

  /**
   * Seconds left on the shared timer, or null when there is none.
   * @returns {(number|null)}
   */
  timerLeft() {
    const timer = this.workshop.timer;
    if (!timer) {
      return null;
    }
    if (typeof timer.ends_at === 'number') {
      const left = Math.max(0, timer.ends_at - this.serverNow());
      // Never more than the run was started with: the server's clock is known from a
      // message that took its time to arrive, so it may be read a little behind, and a
      // countdown of 5 minutes just started would show 05:01.
      return typeof timer.seconds === 'number' ? Math.min(timer.seconds, left) : left;
    }
    return timer.seconds > 0 ? timer.seconds : null;
  }

  /** @param {Message} workshop */
  setWorkshop(workshop) {
    this.workshop = Object.assign({}, workshop);
    if (typeof workshop.participant_count === 'number') {
      this.participantCount = workshop.participant_count;
    }
  }

  /**
   * Whether a note is this participant's own.
   * @param {Note} note
   * @returns {boolean}
   */
  isMine(note) {
    const mine = this.me && Array.isArray(this.me.notes) ? this.me.notes : null;
    return mine !== null && mine.indexOf(note.id) >= 0;
  }

  /** @returns {Array<Note>} the notes, newest first */
  newestFirst() {
    return Array.from(this.notes.values()).reverse();
  }
}
