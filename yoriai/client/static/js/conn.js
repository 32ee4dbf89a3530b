// The WebSocket connection of one page (docs/protocol.md): hello, resume, reconnect with
// backoff, heartbeat watchdog, and the queue of commands kept until acknowledged.
//
// This module only moves messages. Every message received goes to the handler given to
// start() (board.js's dispatch), which calls back welcomed() and settle(). A batch frame
// ({"type": "batch", "items": [...]}, several messages that waited together) is unpacked
// here: the handler sees its items one by one, in order, as if each had come alone.

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30000;
// The server sends a heartbeat every 20 s; silence for 45 s means the line is dead.
const WATCHDOG_MS = 45000;
const WATCHDOG_TICK_MS = 5000;
// After the page comes back from sleep, a ping must be answered this fast.
const PROBE_MS = 5000;
// A command sent and not answered this long makes the status line say so and ask the
// server for a pong: the server answers a command in well under a second on the LAN, so
// 3 s of silence means a dead line far more often than a slow server, and a person with the
// Wi-Fi gone should learn it now, not after the 45 s watchdog.
const ACK_WAIT_MS = 3000;
const SLOW_DOWN_RETRY_MS = 1500;
// The server closes with these. 4004: the workshop does not exist; 4503: its record is
// damaged (it needs `yoriai check --repair` and a restart); 4002: the person opened the
// page once too often elsewhere and this, their oldest, was closed — reconnecting would
// close another of their pages, which would reconnect in turn. On all three the page
// says so and stops; a reload starts it again.
const CLOSE_UNKNOWN_WORKSHOP = 4004;
const CLOSE_WORKSHOP_DAMAGED = 4503;
const CLOSE_OPENED_ELSEWHERE = 4002;
const CLOSE_TOO_SLOW = 4001;
const CLOSE_SERVER_ERROR = 1011;
/** The state each stopping close code leaves the connection in (final).
 * @type {Object<number, string>} */
const STOPPED_BY = {};
STOPPED_BY[CLOSE_UNKNOWN_WORKSHOP] = 'closed_unknown';
STOPPED_BY[CLOSE_WORKSHOP_DAMAGED] = 'closed_damaged';
STOPPED_BY[CLOSE_OPENED_ELSEWHERE] = 'closed_elsewhere';

/**
 * @typedef {{id: string, name: string, args: Object<string, any>, ctx: string}} Command
 *   ctx names the form that sent it, so that its error is shown there.
 * @typedef {{epoch: string, last_seq: number}} Resume
 */

/**
 * A random command id, "c-" and 32 hex digits.
 * @returns {string}
 */
export function commandId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  let hex = '';
  for (let i = 0; i < bytes.length; i++) {
    hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  }
  return 'c-' + hex;
}

/**
 * localStorage that never throws (private mode, full disk, disabled storage).
 */
export const storage = {
  /** @param {string} key @returns {(string|null)} */
  get: function (key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  },
  /** @param {string} key @param {string} value */
  set: function (key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      // Nothing to do: the page still works, it just forgets on reload.
    }
  },
  /** @param {string} key */
  remove: function (key) {
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      // As above.
    }
  }
};

export class Connection {
  /**
   * @param {{code: string, lang: string, key?: string, persist?: boolean}} options
   *   key: the facilitator key (console); persist: keep the token and unsent commands in
   *   localStorage (the phone).
   */
  constructor(options) {
    this.code = options.code;
    this.lang = options.lang || 'ja';
    this.key = options.key || null;
    this.persist = !!options.persist;
    this.tokenKey = 'yoriai.token.' + this.code;
    this.queueKey = 'yoriai.queue.' + this.code;
    /** @type {Array<Command>} */
    this.queue = this.persist ? this.loadQueue() : [];
    /** Ids sent on the current socket (and so not to be sent again on it).
     * @type {Object<string, boolean>} */
    this.sent = {};
    /** @type {(WebSocket|null)} */
    this.ws = null;
    this.welcomed_ = false;
    /** The role of the last welcome; commands other than join wait for a person's role. */
    this.role = null;
    this.attempt = 0;
    this.retryTimer = 0;
    this.watchdog = 0;
    this.probeTimer = 0;
    this.ackTimer = 0;
    this.lastHeard = 0;
    this.stopped = false;
    this.freshSnapshot = false;
    this.everOnline = false;
    /** The token, when it is not kept in localStorage (console). @type {(string|null)} */
    this.memoryToken = null;
    /** connecting | online | checking (a command waits for its answer too long) |
     * reconnecting | offline, or for good: closed_unknown | closed_damaged |
     * closed_elsewhere */
    this.state = 'connecting';
    /** @type {function(Object<string, any>): void} */
    this.handler = function () {};
    /** @type {function(): (Resume|null)} */
    this.resumeInfo = function () { return null; };
    /** Called whenever the state or the queue changes. @type {function(string, number): void} */
    this.onStatus = function () {};
  }

  /**
   * Open the connection and keep it open.
   * @param {function(Object<string, any>): void} handler every message received
   * @param {function(): (Resume|null)} resumeInfo the epoch and last seq to resume from
   */
  start(handler, resumeInfo) {
    this.handler = handler;
    this.resumeInfo = resumeInfo;
    const self = this;
    /** Come back at once when the phone wakes or the page is shown again. */
    function wake() {
      if (document.visibilityState === 'hidden' || self.stopped) {
        return;
      }
      if (self.ws && self.ws.readyState === WebSocket.OPEN) {
        self.probe();
      } else {
        self.reconnectNow();
      }
    }
    document.addEventListener('visibilitychange', wake);
    window.addEventListener('pageshow', function (/** @type {PageTransitionEvent} */ event) {
      // Only a page restored from the back/forward cache needs waking: on a first load
      // pageshow fires while the first socket is still connecting, and waking then would
      // tear it down for a second one (a race that could lose the hello's answer).
      if (event.persisted) {
        wake();
      }
    });
    window.addEventListener('online', function () {
      if (self.state === 'offline' && self.welcomed_) {
        self.setState('checking'); // the radio is back: the socket is tried before "online"
      }
      wake();
    });
    window.addEventListener('offline', function () {
      // The phone says its network is gone: say so now. The socket may still look open
      // (nothing tells it the radio is off); it is tried again when the network is back.
      self.setState('offline');
    });
    this.watchdog = window.setInterval(function () {
      if (self.ws && self.lastHeard && Date.now() - self.lastHeard > WATCHDOG_MS) {
        self.abandon();
      }
    }, WATCHDOG_TICK_MS);
    this.open();
  }

  /** @returns {string} */
  url() {
    const scheme = window.location.protocol === 'https:' ? 'wss://' : 'ws://';
    return scheme + window.location.host + '/ws';
  }

  open() {
    if (this.stopped) {
      return;
    }
    window.clearTimeout(this.retryTimer);
    this.retryTimer = 0;
    this.welcomed_ = false;
    this.sent = {};
    this.setState(this.attempt === 0 && !this.everOnline ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    // A socket still opening gets the same 45 s as a silent one before it is given up.
    this.lastHeard = Date.now();
    const self = this;
    ws.onopen = function () {
      if (self.ws !== ws) {
        return;
      }
      self.lastHeard = Date.now();
      self.sendRaw(self.hello());
    };
    ws.onmessage = function (ev) {
      if (self.ws !== ws) {
        return;
      }
      self.lastHeard = Date.now();
      window.clearTimeout(self.probeTimer);
      if (self.welcomed_ && (self.state === 'checking' || self.state === 'offline') &&
          navigator.onLine !== false) {
        self.setState('online'); // the line answers again
      }
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg.type !== 'string') {
        return;
      }
      // A batch's items one by one, in order, as if each had come alone. One the page fails
      // on does not take the rest of its frame with it (an ack among them would leave its
      // command waiting for ever); the failure is still reported.
      const items = msg.type !== 'batch' ? [msg] : Array.isArray(msg.items) ? msg.items : [];
      for (let i = 0; i < items.length && self.ws === ws; i++) {
        const item = items[i];
        if (item && typeof item.type === 'string' && item.type !== 'batch') {
          try {
            self.handler(item);
          } catch (e) {
            window.setTimeout(function () { throw e; }, 0);
          }
        }
      }
    };
    ws.onclose = function (ev) {
      if (self.ws !== ws) {
        return;
      }
      self.ws = null;
      self.closed(ev.code);
    };
    ws.onerror = function () {
      // onclose follows and decides.
    };
  }

  /** @returns {Object<string, any>} the hello for a new socket */
  hello() {
    /** @type {Object<string, (string|number)>} */
    const msg = {type: 'hello', workshop: this.code, lang: this.lang};
    if (this.key) {
      msg.key = this.key;
    } else {
      const token = this.token();
      if (token) {
        msg.token = token;
      }
    }
    const resume = this.freshSnapshot ? null : this.resumeInfo();
    this.freshSnapshot = false;
    if (resume && resume.epoch) {
      msg.epoch = resume.epoch;
      msg.last_seq = resume.last_seq;
    }
    return msg;
  }

  /** @param {number} code the close code */
  closed(code) {
    this.welcomed_ = false;
    const final = STOPPED_BY[code];
    if (final) {
      this.stop();
      this.setState(final);
      return;
    }
    if (code === CLOSE_TOO_SLOW || code === CLOSE_SERVER_ERROR) {
      // Fell behind, or the server could not store: start again from a snapshot.
      this.freshSnapshot = true;
      this.attempt = 0;
      this.open();
      return;
    }
    this.scheduleRetry();
  }

  scheduleRetry() {
    if (this.stopped) {
      return;
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, this.attempt));
    // Jitter: a room of phones that lost the Wi-Fi together must not return together.
    const delay = base / 2 + Math.random() * base / 2;
    this.attempt += 1;
    this.setState(navigator.onLine === false ? 'offline' : 'reconnecting');
    const self = this;
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(function () { self.open(); }, delay);
  }

  /** Reconnect now (page shown again, network back). */
  reconnectNow() {
    if (this.stopped) {
      return;
    }
    if (this.ws && (this.ws.readyState === WebSocket.CONNECTING ||
        this.ws.readyState === WebSocket.OPEN)) {
      return;
    }
    this.attempt = 0;
    this.open();
  }

  /** Drop a socket that has gone silent and start a new one. */
  abandon() {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      try {
        ws.close();
      } catch (e) {
        // Already closing.
      }
    }
    this.welcomed_ = false;
    this.attempt = 0;
    this.open();
  }

  /** Ask the server for a pong; no answer soon means the socket died while asleep. */
  probe() {
    const self = this;
    if (Date.now() - this.lastHeard > WATCHDOG_MS) {
      this.abandon();
      return;
    }
    this.sendRaw({type: 'ping'});
    window.clearTimeout(this.probeTimer);
    this.probeTimer = window.setTimeout(function () { self.abandon(); }, PROBE_MS);
  }

  /** Stop for good (the workshop does not exist or is damaged, or the page is open
   * elsewhere). */
  stop() {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.probeTimer);
    window.clearInterval(this.watchdog);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close();
      } catch (e) {
        // Already closed.
      }
    }
  }

  /**
   * @param {Object<string, any>} msg
   * @returns {boolean} whether it was handed to an open socket
   */
  sendRaw(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return false;
    }
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch (e) {
      return false;
    }
  }

  /**
   * board.js calls this on every welcome: the line is up, send what waits.
   * @param {string} role
   */
  welcomed(role) {
    this.welcomed_ = true;
    this.everOnline = true;
    this.role = role;
    this.attempt = 0;
    this.setState('online');
    this.flush();
  }

  /** Send every queued command not yet sent on this socket, in order. */
  flush() {
    if (!this.welcomed_) {
      return;
    }
    const self = this;
    this.queue.forEach(function (cmd) {
      if (self.sent[cmd.id]) {
        return;
      }
      if (cmd.name !== 'join' && self.role === 'projector') {
        return; // waits until this phone has joined (again)
      }
      if (self.sendRaw({type: 'cmd', id: cmd.id, name: cmd.name, args: cmd.args})) {
        self.sent[cmd.id] = true;
        self.watchAck();
      }
    });
  }

  /** In ACK_WAIT_MS, if a command sent on this socket is still unanswered, say so and
   * probe the line (no pong in PROBE_MS: the socket is dropped and made again). */
  watchAck() {
    if (this.ackTimer) {
      return;
    }
    const self = this;
    this.ackTimer = window.setTimeout(function () {
      self.ackTimer = 0;
      const waiting = self.queue.some(function (c) { return !!self.sent[c.id]; });
      if (!waiting || !self.welcomed_ || self.stopped) {
        return;
      }
      if (self.state === 'online') {
        self.setState('checking');
      }
      self.probe();
    }, ACK_WAIT_MS);
  }

  /**
   * Queue a command and send it when the line allows.
   * @param {string} name
   * @param {Object<string, any>} args
   * @param {string} [ctx] which form sent it
   * @returns {Command}
   */
  command(name, args, ctx) {
    const cmd = {id: commandId(), name: name, args: args, ctx: ctx || ''};
    this.queue.push(cmd);
    this.saveQueue();
    this.flush();
    this.changed();
    return cmd;
  }

  /**
   * The command an ack or error answers, taken off the queue (null if not ours).
   * @param {(string|null|undefined)} id
   * @returns {(Command|null)}
   */
  settle(id) {
    if (!id) {
      return null;
    }
    for (let i = 0; i < this.queue.length; i++) {
      if (this.queue[i].id === id) {
        const cmd = this.queue.splice(i, 1)[0];
        delete this.sent[id];
        this.saveQueue();
        this.changed();
        return cmd;
      }
    }
    return null;
  }

  /**
   * Send a command again later with the same id (the server said slow_down).
   * @param {string} id
   */
  retryLater(id) {
    const self = this;
    window.setTimeout(function () {
      delete self.sent[id];
      self.flush();
    }, SLOW_DOWN_RETRY_MS + Math.random() * SLOW_DOWN_RETRY_MS);
  }

  /**
   * Whether a command may still be changed or withdrawn (not on its way).
   * @param {string} id
   * @returns {boolean}
   */
  isHeld(id) {
    return !this.sent[id] && this.queue.some(function (c) { return c.id === id; });
  }

  /**
   * Change the arguments of a command that has not been sent.
   * @param {string} id
   * @param {Object<string, any>} args
   * @returns {boolean}
   */
  amend(id, args) {
    if (!this.isHeld(id)) {
      return false;
    }
    this.queue.forEach(function (c) {
      if (c.id === id) {
        c.args = args;
      }
    });
    this.saveQueue();
    this.changed();
    return true;
  }

  /**
   * Withdraw a command that has not been sent.
   * @param {string} id
   * @returns {boolean}
   */
  withdraw(id) {
    if (!this.isHeld(id)) {
      return false;
    }
    this.settle(id);
    return true;
  }

  /** @returns {Array<Command>} the commands not yet acknowledged */
  pending() {
    return this.queue.slice();
  }

  /** @returns {(string|null)} */
  token() {
    return this.persist ? storage.get(this.tokenKey) : this.memoryToken || null;
  }

  /** @param {string} token */
  setToken(token) {
    if (this.persist) {
      storage.set(this.tokenKey, token);
    } else {
      this.memoryToken = token;
    }
  }

  /** The server did not know our token: forget it (the page offers to join again). */
  forgetToken() {
    storage.remove(this.tokenKey);
    this.memoryToken = null;
  }

  /** @returns {Array<Command>} */
  loadQueue() {
    const raw = storage.get(this.queueKey);
    if (!raw) {
      return [];
    }
    try {
      const list = JSON.parse(raw);
      return Array.isArray(list) ? list.filter(function (c) {
        return c && typeof c.id === 'string' && typeof c.name === 'string' &&
          c.args && typeof c.args === 'object';
      }) : [];
    } catch (e) {
      return [];
    }
  }

  saveQueue() {
    if (!this.persist) {
      return;
    }
    if (this.queue.length) {
      storage.set(this.queueKey, JSON.stringify(this.queue));
    } else {
      storage.remove(this.queueKey);
    }
  }

  /** @param {string} state */
  setState(state) {
    if (this.state.indexOf('closed_') === 0) {
      return; // final: only a reload starts the page again
    }
    this.state = state;
    this.changed();
  }

  changed() {
    this.onStatus(this.state, this.queue.length);
  }
}
