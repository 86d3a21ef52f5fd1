/* The desk's live chat panel (issue 16; templates/support/_desk_chat_panel.html on a chat's ticket page): the same
   socket as the dealer's widget (chat_socket.js). New messages join the page's conversation (#conversation) without
   a reload, the dealer's typing shows, the agent's typing is sent; accept, hand over, end and follow-up are plain
   forms. The words come from the panel's data-t-* attributes. */
(function () {
  "use strict";

  var panel = document.getElementById("desk-chat");
  if (!panel || !window.PortalChat) {
    return;
  }
  var T = panel.dataset;
  var TYPING_SHOWN_MS = 3000;
  var conversation = document.getElementById("conversation");
  var statusLine = document.getElementById("desk-chat-status");
  var connectionLine = document.getElementById("desk-chat-connection");
  var typingLine = document.getElementById("desk-chat-typing");
  var form = document.getElementById("desk-chat-form");
  var textarea = document.getElementById("desk-chat-message");
  var errorLine = document.getElementById("desk-chat-error");
  var renderedStatus = panel.dataset.status;
  var typingTimer = null;

  function fill(template, key, value) {
    return template.split("{" + key + "}").join(value);
  }

  function timeOf(iso) {
    return window.PortalChat.formatDate(iso, panel.dataset.datetimeFormat, panel.dataset.timeZone);
  }

  function showError(text) {
    if (errorLine) {
      errorLine.textContent = text || "";
      errorLine.hidden = !text;
    }
  }

  function bodyElement(text) {
    var body = document.createElement("div");
    body.className = "desk-message-body";
    String(text).split("\n").forEach(function (line, index) {
      if (index) {
        body.appendChild(document.createElement("br"));
      }
      body.appendChild(document.createTextNode(line));
    });
    return body;
  }

  function messageElement(message) {
    var item = document.createElement("li");
    item.className = "desk-message is-live " + (message.from_staff ? "is-staff" : "is-dealer");
    item.dataset.kind = "reply";
    var head = document.createElement("p");
    head.className = "desk-message-head";
    var who = document.createElement("strong");
    who.textContent = message.author || "";
    var when = document.createElement("time");
    if (message.at) {
      when.dateTime = message.at;
    }
    when.textContent = timeOf(message.at);
    var channel = document.createElement("span");
    channel.className = "badge channel channel-chat";
    channel.textContent = T.tChannel;
    head.appendChild(who);
    head.appendChild(document.createTextNode(" "));
    head.appendChild(channel);
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(when);
    item.appendChild(head);
    item.appendChild(bodyElement(message.body));
    return item;
  }

  function setIdentity(item, message) {
    if (message.id !== undefined && message.id !== null) {
      item.id = "message-" + message.id;
    }
    if (message.client_id) {
      item.dataset.clientId = message.client_id;
    }
  }

  function addMessage(message, known) {
    var pending = message.client_id
      ? conversation.querySelector('li[data-client-id="' + CSS.escape(message.client_id) + '"]') : null;
    if (pending) {
      pending.classList.remove("is-pending");
      var sending = pending.querySelector(".desk-chat-sending");
      if (sending) {
        sending.remove();
      }
      setIdentity(pending, message);
      pending.querySelector("strong").textContent = message.author || "";
      var when = pending.querySelector("time");
      when.dateTime = message.at || "";
      when.textContent = timeOf(message.at);
      return;
    }
    if (known || (message.id !== undefined && document.getElementById("message-" + message.id))) {
      return;
    }
    var empty = conversation.querySelector("li.muted");
    if (empty) {
      empty.remove();
    }
    var item = messageElement(message);
    setIdentity(item, message);
    conversation.appendChild(item);
    if (!message.from_staff) {
      typingLine.hidden = true;
    }
    item.scrollIntoView({block: "nearest"});
  }

  function showStatus(frame) {
    var text = T.tEnded;
    if (frame.status === "waiting") {
      text = T.tWaiting;
    } else if (frame.status === "active") {
      text = frame.agent ? fill(T.tActive, "agent", frame.agent) : T.tActiveAnonymous;
    }
    statusLine.textContent = text;
    statusLine.className = "desk-chat-status status-" + frame.status;
    panel.dataset.status = frame.status;
    document.getElementById("desk-chat-reload").hidden = frame.status === renderedStatus;
    if (frame.status === "ended") {
      if (form) {
        form.hidden = true;
      }
      var actions = document.getElementById("desk-chat-actions");
      if (actions) {
        actions.hidden = true;
      }
      typingLine.hidden = true;
      connectionLine.hidden = true;
      socket.stop();
    }
  }

  var lastId = 0;
  Array.prototype.forEach.call(conversation.querySelectorAll('li[id^="message-"]'), function (item) {
    var id = parseInt(item.id.slice("message-".length), 10);
    if (id > lastId) {
      lastId = id;
    }
  });

  var socket = new window.PortalChat.ChatSocket({
    wsUrl: panel.dataset.wsUrl,
    httpBase: panel.dataset.httpBase,
    lastId: lastId,
    onMessage: addMessage,
    onTyping: function (frame) {
      if (frame.from_staff) {
        return;
      }
      typingLine.textContent = frame.name ? fill(T.tTyping, "name", frame.name) : T.tTypingAnonymous;
      typingLine.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.hidden = true; }, TYPING_SHOWN_MS);
    },
    onStatus: showStatus,
    onError: function (frame) { showError(frame.error); },
    onConnection: function (state) {
      if (state === "open") {
        connectionLine.hidden = true;
      } else {
        connectionLine.textContent = state === "polling" ? T.tPolling : T.tRetrying;
        connectionLine.hidden = panel.dataset.status === "ended";
      }
    },
    onGone: function () {
      connectionLine.hidden = true;
    }
  });

  if (panel.dataset.status !== "ended") {
    socket.start();
  }

  function submit() {
    var body = textarea.value.trim();
    showError("");
    if (!body) {
      showError(T.tEmpty);
      textarea.focus();
      return;
    }
    var clientId = socket.send(body);
    var item = messageElement({body: body, from_staff: true, author: "", at: null});
    item.classList.add("is-pending");
    item.dataset.clientId = clientId;
    var sending = document.createElement("small");
    sending.className = "desk-chat-sending";
    sending.textContent = " " + T.tSending;
    item.querySelector(".desk-message-head").appendChild(sending);
    var empty = conversation.querySelector("li.muted");
    if (empty) {
      empty.remove();
    }
    conversation.appendChild(item);
    textarea.value = "";
    textarea.focus();
  }

  if (form) {
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
    textarea.addEventListener("input", function () { socket.typing(); });
  }
})();
