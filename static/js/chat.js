/* The "Chat with us" widget (issue 16; templates/support/_chat_widget.html): a dealer user's or a visitor's live chat
   with support. The words come from the widget's data-t-* attributes (translated on the server); the connection from
   chat_socket.js. The browser remembers an ongoing chat's number (localStorage) so the next page asks the server
   for its state (support:chat_state) and carries on; the server's answer always wins. */
(function () {
  "use strict";

  var root = document.getElementById("chat-widget");
  if (!root || !window.PortalChat) {
    return;
  }
  var PortalChat = window.PortalChat;
  var T = root.dataset;
  var STORE = "portal-chat";
  var TYPING_SHOWN_MS = 3000;
  var visitor = root.dataset.visitor === "1";

  function $(id) { return document.getElementById(id); }
  var launcher = $("chat-launcher");
  var panel = $("chat-panel");
  var transcript = $("chat-transcript");
  var form = $("chat-form");
  var textarea = $("chat-message");
  var sendButton = $("chat-send");
  var statusLine = $("chat-status");
  var connectionLine = $("chat-connection");
  var typingLine = $("chat-typing");
  var errorLine = $("chat-error");

  var chat = null;        // {number, status, ws_url}
  var socket = null;
  var loaded = false;
  var loading = null;
  var typingTimer = null;
  var starting = false;

  var isOpen = false;
  var waiting = [];       // the outbox: messages not yet echoed by the server, kept for the next page

  function remember(open) {
    if (open !== undefined) {
      isOpen = open;
    }
    try {
      if (chat && chat.status !== "ended") {
        localStorage.setItem(STORE, JSON.stringify({number: chat.number, open: isOpen, outbox: waiting}));
      } else {
        localStorage.removeItem(STORE);
      }
    } catch (e) { /* private mode: the chat simply does not follow to the next page */ }
  }

  function remembered() {
    try {
      return JSON.parse(localStorage.getItem(STORE) || "null");
    } catch (e) {
      return null;
    }
  }

  function show(element, shown) {
    if (element) {
      element.hidden = !shown;
    }
  }

  function fill(template, key, value) {
    return template.split("{" + key + "}").join(value);
  }

  function agentName(agent) {
    if (!agent) {
      return "";
    }
    return typeof agent === "string" ? agent : (agent.name || "");
  }

  function timeOf(iso) {
    return PortalChat.formatDate(iso, root.dataset.timeFormat, root.dataset.timeZone);
  }

  /* --- what the panel shows --------------------------------------------------------------------------------- */

  function showView(view) {
    show($("chat-loading"), view === "loading");
    show($("chat-unavailable"), view === "unavailable");
    show(form, view === "start" || view === "chat");
    show($("chat-intro"), view === "start");
    show($("chat-visitor"), view === "start" && visitor);
    show($("chat-again"), view === "ended");
    show(transcript, view === "chat" || view === "ended");
    show($("chat-end"), view === "chat");
    if (view !== "chat") {
      show(typingLine, false);
      show(connectionLine, false);
    }
    if (view !== "chat" && view !== "ended") {
      show(statusLine, false);
    }
  }

  function showUnavailable(reason, ticketUrl) {
    var known = false;
    Array.prototype.forEach.call(root.querySelectorAll(".chat-reason"), function (line) {
      var match = line.dataset.reason === (reason || "");
      known = known || match;
      show(line, match);
    });
    if (!known) {
      show(root.querySelector('.chat-reason[data-reason=""]'), true);
    }
    var ticket = $("chat-ticket");
    if (ticket) {
      show(ticket, Boolean(ticketUrl));
      if (ticketUrl) {
        $("chat-ticket-link").href = ticketUrl;
      }
    }
    showView("unavailable");
  }

  function showStatus(status, agent) {
    var text = "";
    if (status === "waiting") {
      text = T.tWaiting;
    } else if (status === "active") {
      var name = agentName(agent);
      text = name ? fill(T.tTalking, "agent", name) : T.tTalkingAnonymous;
    } else if (status === "ended") {
      text = T.tEnded;
    }
    statusLine.textContent = text;
    statusLine.className = "chat-status is-" + status;
    show(statusLine, Boolean(text));
  }

  function showError(text) {
    errorLine.textContent = text || "";
    show(errorLine, Boolean(text));
  }

  function messageElement(message) {
    var item = document.createElement("li");
    item.className = "chat-message " + (message.from_staff ? "is-staff" : "is-mine");
    var head = document.createElement("p");
    head.className = "chat-message-head";
    var who = document.createElement("strong");
    who.textContent = message.from_staff ? (message.author || T.tSupport) : T.tYou;
    var when = document.createElement("time");
    when.className = "chat-time";
    if (message.at) {
      when.dateTime = message.at;
    }
    when.textContent = timeOf(message.at);
    head.appendChild(who);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(when);
    var body = document.createElement("p");
    body.className = "chat-message-body";
    body.textContent = message.body;
    item.appendChild(head);
    item.appendChild(body);
    return item;
  }

  function setIdentity(item, message) {
    if (message.id !== undefined && message.id !== null) {
      item.dataset.id = message.id;
      item.id = "chat-message-" + message.id;
    }
    if (message.client_id) {
      item.dataset.clientId = message.client_id;
    }
  }

  function scrollDown() {
    var box = transcript.parentNode;
    box.scrollTop = box.scrollHeight;
  }

  function addMessage(message, known) {
    var pending = message.client_id
      ? transcript.querySelector('li[data-client-id="' + CSS.escape(message.client_id) + '"]') : null;
    if (pending) {
      pending.classList.remove("is-pending");
      var label = pending.querySelector(".chat-sending");
      if (label) {
        label.remove();
      }
      setIdentity(pending, message);
      if (message.at) {
        var when = pending.querySelector("time");
        when.dateTime = message.at;
        when.textContent = timeOf(message.at);
      }
      return;
    }
    if (known || (message.id !== undefined && $("chat-message-" + message.id))) {
      return;
    }
    var item = messageElement(message);
    setIdentity(item, message);
    transcript.appendChild(item);
    if (message.from_staff) {
      show(typingLine, false);
      if (panel.hidden) {
        show($("chat-unread"), true);
        launcher.classList.add("has-unread");
      }
    }
    scrollDown();
  }

  function addPending(body, clientId) {
    var item = messageElement({body: body, from_staff: false, at: null});
    item.classList.add("is-pending");
    item.dataset.clientId = clientId;
    var sending = document.createElement("small");
    sending.className = "chat-sending";
    sending.textContent = T.tSending;
    item.querySelector(".chat-message-head").appendChild(sending);
    transcript.appendChild(item);
    scrollDown();
  }

  /* --- the chat itself ------------------------------------------------------------------------------------- */

  function startChat(data) {
    var previous = remembered();
    waiting = [];
    chat = {number: data.number, status: data.status || "waiting", ws_url: data.ws_url};
    transcript.textContent = "";
    showView(chat.status === "ended" ? "ended" : "chat");
    showStatus(chat.status, data.agent);
    (data.messages || []).forEach(function (message) { addMessage(message, false); });
    var lastId = 0;
    (data.messages || []).forEach(function (message) {
      if (typeof message.id === "number" && message.id > lastId) {
        lastId = message.id;
      }
    });
    remember(!panel.hidden);
    if (chat.status === "ended") {
      return;
    }
    socket = new PortalChat.ChatSocket({
      wsUrl: chat.ws_url,
      httpBase: root.dataset.stateUrl + encodeURIComponent(chat.number) + "/",
      lastId: lastId,
      onMessage: addMessage,
      onTyping: function (frame) {
        if (!frame.from_staff) {
          return;
        }
        typingLine.textContent = frame.name ? fill(T.tTyping, "name", frame.name) : T.tTypingAnonymous;
        show(typingLine, true);
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { show(typingLine, false); }, TYPING_SHOWN_MS);
      },
      onStatus: function (frame) {
        chat.status = frame.status;
        showStatus(frame.status, frame.agent);
        if (frame.status === "ended") {
          endChat();
        }
      },
      onError: function (frame) { showError(frame.error || T.tFailed); },
      onConnection: function (state) {
        if (state === "open") {
          show(connectionLine, false);
        } else {
          connectionLine.textContent = state === "polling" ? T.tPolling : T.tRetrying;
          show(connectionLine, chat && chat.status !== "ended");
        }
      },
      onOutbox: function (items) {
        waiting = items;
        remember();
      },
      onGone: function () {
        chat = null;
        socket = null;
        remember(false);
        loaded = false;
        if (!panel.hidden) {
          load();
        }
      }
    });
    (data.messages || []).forEach(function (message) { socket.know(message.id); });
    if (previous && previous.number === chat.number && previous.outbox && previous.outbox.length) {
      var known = {};
      (data.messages || []).forEach(function (message) { known[message.client_id] = true; });
      var unsent = previous.outbox.filter(function (item) { return item && !known[item.client_id]; });
      unsent.forEach(function (item) { addPending(item.body, item.client_id); });
      socket.requeue(unsent);
      waiting = unsent;
      remember();
    }
    socket.start();
  }

  function endChat() {
    if (socket) {
      socket.stop();
      socket = null;
    }
    show(typingLine, false);
    show(connectionLine, false);
    showView("ended");
    remember(false);
  }

  function load() {
    if (loading) {
      return loading;
    }
    showView("loading");
    loading = PortalChat.getJson(root.dataset.stateUrl)
      .then(function (data) {
        loaded = true;
        if (socket) {
          socket.stop();
          socket = null;
        }
        if (data.chat) {
          startChat(data.chat);
        } else {
          chat = null;
          remember(false);
          if (data.available) {
            transcript.textContent = "";
            showView("start");
          } else {
            showUnavailable(data.reason, data.ticket_url);
          }
        }
      })
      .catch(function () {
        showUnavailable("", null);
      })
      .then(function () {
        loading = null;
      });
    return loading;
  }

  function begin(body) {
    var fields = {body: body};
    if (visitor) {
      fields.name = $("chat-name").value.trim();
      fields.email = $("chat-email").value.trim();
    }
    starting = true;
    sendButton.disabled = true;
    PortalChat.postForm(root.dataset.startUrl, fields)
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      })
      .then(function (answer) {
        if (answer.status === 201 || answer.status === 200) {
          textarea.value = "";
          startChat(answer.data);
          textarea.focus();
        } else if (answer.status === 409) {
          showUnavailable(answer.data.reason, answer.data.ticket_url);
        } else {
          showError(answer.data.error || T.tFailed);
          var field = answer.data.field && $(answer.data.field === "body" ? "chat-message" : "chat-" + answer.data.field);
          if (field) {
            field.setAttribute("aria-invalid", "true");
            field.focus();
          }
        }
      })
      .catch(function () { showError(T.tFailed); })
      .then(function () {
        starting = false;
        sendButton.disabled = false;
      });
  }

  function submit() {
    var body = textarea.value.trim();
    showError("");
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (field) {
      field.removeAttribute("aria-invalid");
    });
    if (!body) {
      showError(T.tEmpty);
      textarea.focus();
      return;
    }
    if (starting) {
      return;
    }
    if (!chat) {
      begin(body);
      return;
    }
    if (!socket) {
      return;
    }
    var clientId = socket.send(body);
    addPending(body, clientId);
    textarea.value = "";
    textarea.focus();
  }

  /* --- opening and closing ---------------------------------------------------------------------------------- */

  function open() {
    panel.hidden = false;
    root.classList.add("is-open");
    launcher.setAttribute("aria-expanded", "true");
    show($("chat-unread"), false);
    launcher.classList.remove("has-unread");
    var ready = loaded ? Promise.resolve() : load();
    ready.then(function () {
      remember(true);
      var first = form.hidden ? $("chat-close") : ($("chat-visitor") && !$("chat-visitor").hidden
        ? $("chat-name") : textarea);
      if (!$("chat-again").hidden) {
        first = $("chat-new");
      } else if (!$("chat-unavailable").hidden) {
        first = $("chat-ticket-link") && !$("chat-ticket").hidden ? $("chat-ticket-link") : $("chat-close");
      }
      first.focus();
      scrollDown();
    });
  }

  function close() {
    panel.hidden = true;
    root.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    remember(false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  $("chat-close").addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  textarea.addEventListener("input", function () {
    if (socket) {
      socket.typing();
    }
  });
  $("chat-end").addEventListener("click", function () {
    if (!chat) {
      return;
    }
    var button = $("chat-end");
    button.disabled = true;
    PortalChat.postForm(root.dataset.stateUrl + encodeURIComponent(chat.number) + "/end/", {})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        chat.status = "ended";
        showStatus("ended");
        endChat();
        $("chat-new").focus();
      })
      .catch(function () { showError(T.tFailed); })
      .then(function () { button.disabled = false; });
  });
  $("chat-new").addEventListener("click", function () {
    chat = null;
    loaded = false;
    load().then(function () {
      var first = $("chat-visitor") && !$("chat-visitor").hidden ? $("chat-name") : textarea;
      if (!form.hidden) {
        first.focus();
      }
    });
  });

  /* An ongoing chat follows the dealer from page to page: its state is asked for again on each page. */
  var previous = remembered();
  if (previous && previous.number) {
    load().then(function () {
      if (chat && chat.status !== "ended" && previous.open) {
        open();
      } else if (!chat) {
        remember(false);
      }
    });
  }
})();
