/* A live chat's connection (issue 16), shared by the dealer's chat widget (chat.js) and the desk's chat panel
   (desk_chat.js). It speaks the chat socket's JSON frames and loses nothing across a dropped connection:
   - every (re)connect starts with {"type": "resume", "after": <the last message id we have>};
   - a message typed while the connection is down waits in the outbox with its client_id and is sent again on the
     next connection until the server echoes it back (the server drops a client_id it has already stored);
   - it reconnects with an exponential backoff; after FALLBACK_AFTER failed connects in a row it also polls the
     HTTP fallback (`<base>messages/?after=<id>` every POLL_MS, outbox through `<base>send/`) and keeps trying the
     socket now and then; once the socket is back, polling stops.
   No user-facing text here: the pages hold their own (translated) words. */
(function () {
  "use strict";

  var FALLBACK_AFTER = 3;
  var POLL_MS = 2000;
  var MAX_BACKOFF_MS = 15000;
  var TYPING_EVERY_MS = 2000;
  // A ping keeps an idle connection alive through proxies, and tells the desk an agent is still there.
  var PING_EVERY_MS = 30000;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function newClientId() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  function socketUrl(url) {
    if (/^wss?:\/\//.test(url)) {
      return url;
    }
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + url;
  }

  function postForm(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (key) {
      if (fields[key] !== undefined && fields[key] !== null) {
        body.append(key, fields[key]);
      }
    });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}
    });
  }

  function getJson(url) {
    return fetch(url, {credentials: "same-origin",
                       headers: {"Accept": "application/json", "X-Requested-With": "XMLHttpRequest"}})
      .then(function (response) {
        if (!response.ok) {
          var error = new Error("HTTP " + response.status);
          error.status = response.status;
          throw error;
        }
        return response.json();
      });
  }

  /* options: wsUrl, httpBase (".../chat/<number>/", for the fallback; optional), lastId, and callbacks
     onMessage(frame, known), onTyping(frame), onStatus(frame), onError(frame), onConnection(state: "open" |
     "retrying" | "polling"), onGone() (close code 4404/4403: no such chat for this user), onOutbox(items) (what waits
     to be sent changed). */
  function ChatSocket(options) {
    this.options = options;
    this.lastId = options.lastId || 0;
    this.outbox = [];
    this.ws = null;
    this.failures = 0;
    this.stopped = false;
    this.retryTimer = null;
    this.pollTimer = null;
    this.lastTypingAt = 0;
    this.seen = {};
  }

  ChatSocket.prototype.start = function () {
    this.stopped = false;
    this.connect();
  };

  ChatSocket.prototype.stop = function () {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.stopPolling();
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close();
      this.ws = null;
    }
  };

  ChatSocket.prototype.isOpen = function () {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  };

  ChatSocket.prototype.connect = function () {
    var self = this;
    if (self.stopped) {
      return;
    }
    var opened = false;
    var ws;
    try {
      ws = new WebSocket(socketUrl(self.options.wsUrl));
    } catch (e) {
      self.failed();
      return;
    }
    self.ws = ws;
    ws.onopen = function () {
      opened = true;
      self.failures = 0;
      self.stopPolling();
      ws.send(JSON.stringify({type: "resume", after: self.lastId}));
      clearInterval(self.pingTimer);
      self.pingTimer = setInterval(function () {
        if (self.ws === ws && ws.readyState === WebSocket.OPEN) {
          ws.send(JSON.stringify({type: "ping"}));
        }
      }, PING_EVERY_MS);
      self.outbox.forEach(function (item) {
        ws.send(JSON.stringify({type: "message", body: item.body, client_id: item.client_id}));
      });
      self.notify("open");
    };
    ws.onmessage = function (event) {
      var frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      self.receive(frame);
    };
    ws.onclose = function (event) {
      if (self.ws === ws) {
        self.ws = null;
      }
      if (self.stopped) {
        return;
      }
      if (event.code === 4404 || event.code === 4403) {
        self.stop();
        if (self.options.onGone) {
          self.options.onGone();
        }
        return;
      }
      if (!opened) {
        self.failed();
      } else {
        self.failures = 1;
        self.retry();
      }
    };
  };

  ChatSocket.prototype.failed = function () {
    this.failures += 1;
    if (this.failures >= FALLBACK_AFTER && this.options.httpBase) {
      this.startPolling();
    }
    this.retry();
  };

  ChatSocket.prototype.retry = function () {
    var self = this;
    clearTimeout(self.retryTimer);
    var delay = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, Math.max(0, self.failures - 1)));
    delay = delay / 2 + Math.random() * delay / 2;
    if (!self.pollTimer) {
      self.notify("retrying");
    }
    self.retryTimer = setTimeout(function () { self.connect(); }, delay);
  };

  ChatSocket.prototype.notify = function (state) {
    if (this.options.onConnection) {
      this.options.onConnection(state);
    }
  };

  ChatSocket.prototype.outboxChanged = function () {
    if (this.options.onOutbox) {
      this.options.onOutbox(this.outbox.slice());
    }
  };

  /* Messages a previous page queued and never saw echoed: sent again (the server stores a client_id once). */
  ChatSocket.prototype.requeue = function (items) {
    var self = this;
    (items || []).forEach(function (item) {
      if (item && typeof item.body === "string" && item.client_id) {
        self.outbox.push({body: item.body, client_id: String(item.client_id)});
      }
    });
  };

  ChatSocket.prototype.receive = function (frame) {
    var options = this.options;
    if (frame.type === "message") {
      var before = this.outbox.length;
      this.outbox = this.outbox.filter(function (item) { return !frame.client_id || item.client_id !== frame.client_id; });
      if (this.outbox.length !== before) {
        this.outboxChanged();
      }
      if (typeof frame.id === "number" && frame.id > this.lastId) {
        this.lastId = frame.id;
      }
      if (frame.id !== undefined && this.seen[frame.id]) {
        if (options.onMessage && frame.client_id) {
          options.onMessage(frame, true);
        }
        return;
      }
      if (frame.id !== undefined) {
        this.seen[frame.id] = true;
      }
      if (options.onMessage) {
        options.onMessage(frame, false);
      }
    } else if (frame.type === "typing") {
      if (options.onTyping) {
        options.onTyping(frame);
      }
    } else if (frame.type === "status") {
      if (options.onStatus) {
        options.onStatus(frame);
      }
    } else if (frame.type === "error") {
      if (options.onError) {
        options.onError(frame);
      }
    }
  };

  /* Known messages (rendered by the page already) are not shown twice. */
  ChatSocket.prototype.know = function (id) {
    if (typeof id === "number") {
      this.seen[id] = true;
      if (id > this.lastId) {
        this.lastId = id;
      }
    }
  };

  /* Send a message; returns its client_id (the page shows it as pending until the server echoes it). */
  ChatSocket.prototype.send = function (body) {
    var item = {body: body, client_id: newClientId()};
    this.outbox.push(item);
    this.outboxChanged();
    if (this.isOpen()) {
      this.ws.send(JSON.stringify({type: "message", body: item.body, client_id: item.client_id}));
    } else if (this.pollTimer) {
      this.flushByHttp();
    }
    return item.client_id;
  };

  ChatSocket.prototype.typing = function () {
    var now = Date.now();
    if (this.isOpen() && now - this.lastTypingAt > TYPING_EVERY_MS) {
      this.lastTypingAt = now;
      this.ws.send(JSON.stringify({type: "typing"}));
    }
  };

  ChatSocket.prototype.startPolling = function () {
    var self = this;
    if (self.pollTimer || self.stopped) {
      return;
    }
    self.notify("polling");
    var tick = function () {
      self.poll();
      self.flushByHttp();
    };
    self.pollTimer = setInterval(tick, POLL_MS);
    tick();
  };

  ChatSocket.prototype.stopPolling = function () {
    if (this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
  };

  ChatSocket.prototype.poll = function () {
    var self = this;
    if (self.polling) {
      return;
    }
    self.polling = true;
    getJson(self.options.httpBase + "messages/?after=" + encodeURIComponent(self.lastId))
      .then(function (data) {
        (data.messages || []).forEach(function (message) {
          message.type = "message";
          self.receive(message);
        });
        if (data.status && self.options.onStatus) {
          self.options.onStatus({type: "status", status: data.status, agent: data.agent});
        }
      })
      .catch(function (error) {
        if (error.status === 404 && self.options.onGone) {
          self.stop();
          self.options.onGone();
        }
      })
      .then(function () { self.polling = false; });
  };

  ChatSocket.prototype.flushByHttp = function () {
    var self = this;
    if (self.flushing || !self.outbox.length) {
      return;
    }
    self.flushing = true;
    var item = self.outbox[0];
    postForm(self.options.httpBase + "send/", {body: item.body, client_id: item.client_id})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json().catch(function () { return {}; });
      })
      .then(function (data) {
        var message = data && (data.message || (data.id !== undefined ? data : null));
        if (message) {
          message.type = "message";
          message.client_id = message.client_id || item.client_id;
          self.receive(message);
        } else {
          self.outbox = self.outbox.filter(function (other) { return other !== item; });
          self.outboxChanged();
        }
        self.flushing = false;
        if (self.outbox.length && !self.isOpen()) {
          self.flushByHttp();
        }
      })
      .catch(function () { self.flushing = false; });
  };

  /* An ISO 8601 time in a Django date format (the page's SHORT_DATETIME_FORMAT or its time part: d j m n Y y H G
     i s; a backslash escapes) in the portal's time zone, as the server writes it on the page. */
  function formatDate(iso, pattern, timeZone) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) {
      return "";
    }
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", {timeZone: timeZone || undefined, year: "numeric", month: "numeric",
                                        day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
                                        hourCycle: "h23"})
        .formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    } catch (e) {
      return date.toLocaleString();
    }
    function two(value) { return ("0" + parseInt(value, 10)).slice(-2); }
    var codes = {
      d: two(parts.day), j: String(parseInt(parts.day, 10)), m: two(parts.month), n: String(parseInt(parts.month, 10)),
      Y: parts.year, y: String(parts.year).slice(-2), H: two(parts.hour), G: String(parseInt(parts.hour, 10)),
      i: two(parts.minute), s: two(parts.second)
    };
    var out = "";
    pattern = pattern || "Y-m-d H:i";
    for (var index = 0; index < pattern.length; index += 1) {
      var code = pattern.charAt(index);
      if (code === "\\" && index + 1 < pattern.length) {
        index += 1;
        out += pattern.charAt(index);
      } else {
        out += Object.prototype.hasOwnProperty.call(codes, code) ? codes[code] : code;
      }
    }
    return out;
  }

  window.PortalChat = {ChatSocket: ChatSocket, postForm: postForm, getJson: getJson, formatDate: formatDate};
})();
