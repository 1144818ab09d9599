/* 소통TV chat: one websocket per page (/ws/tv/<broadcast>/). Every event received is also dispatched on
   the document as "sotong:tv" (the captions listen there). New lines are announced politely and in
   batches: one line is read out, a flood is summarised ("새 채팅 5개"). */
(function () {
  "use strict";
  var root = document.getElementById("tv-chat");
  if (!root) return;
  var log = document.getElementById("tv-chat-log");
  var announcer = document.getElementById("tv-chat-announce");
  var form = document.getElementById("tv-chat-form");
  var nameInput = document.getElementById("tv-chat-name");
  var bodyInput = document.getElementById("tv-chat-body");
  var question = document.getElementById("tv-chat-question");
  var status = document.getElementById("tv-chat-status");
  var viewers = document.getElementById("tv-viewers");
  var pinnedBox = document.getElementById("tv-pinned");
  var onAirBox = document.getElementById("tv-on-air");
  var pollBox = document.getElementById("tv-poll");
  var pollForm = document.getElementById("tv-poll-form");
  var pollVoted = {};
  var MAX_LINES = 200;
  var socket = null;
  var retry = 1000;
  var pending = [];
  var announceTimer = null;
  var canPost = false;
  var mode = "open";
  var sent = 0;

  function t(name, values) {
    var text = root.getAttribute("data-t-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    return text;
  }

  function sourceLabel(source) {
    return root.getAttribute("data-source-" + source) || source;
  }

  function lineElement(message) {
    var item = document.createElement("li");
    item.className = "tv-chat__line" + (message.studio ? " tv-chat__line--studio" : "");
    item.setAttribute("data-id", String(message.id));
    item.setAttribute("data-at", message.at);
    var source = document.createElement("span");
    source.className = "tv-chat__source tv-chat__source--" + message.source;
    source.textContent = message.studio ? t("studio") : sourceLabel(message.source);
    var author = document.createElement("strong");
    author.className = "tv-chat__author";
    author.textContent = message.author;
    var body = document.createElement("span");
    body.className = "tv-chat__body";
    body.textContent = message.body;
    item.appendChild(source);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(author);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(body);
    if (message.question) {
      var mark = document.createElement("span");
      mark.className = "tv-chat__question";
      mark.textContent = "· " + t("question");
      item.appendChild(mark);
      var up = document.createElement("button");
      up.type = "button";
      up.className = "tv-chat__upvote button button--small";
      up.setAttribute("data-upvote", String(message.id));
      setUpvotes(up, message.upvotes || 0);
      item.appendChild(up);
    }
    return item;
  }

  function setUpvotes(button, count) {
    button.textContent = t("upvote") + " " + count;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  function key(message) {
    return [message.at, message.id];
  }

  function before(a, b) {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  }

  function addLine(message, announce) {
    if (log.querySelector('[data-id="' + message.id + '"]')) return;
    var stick = nearBottom();
    var item = lineElement(message);
    // In the order the lines were written: a YouTube comment read late goes where it belongs.
    var mine = key(message);
    var next = null;
    var lines = log.children;
    for (var i = lines.length - 1; i >= 0; i--) {
      var other = [lines[i].getAttribute("data-at") || "", Number(lines[i].getAttribute("data-id"))];
      if (before(mine, other)) next = lines[i];
      else break;
    }
    log.insertBefore(item, next);
    while (log.children.length > MAX_LINES) log.removeChild(log.firstElementChild);
    if (stick) log.scrollTop = log.scrollHeight;
    if (announce) queueAnnouncement(message);
  }

  function queueAnnouncement(message) {
    pending.push(message);
    if (announceTimer) return;
    announceTimer = window.setTimeout(function () {
      announceTimer = null;
      if (pending.length === 1) {
        announcer.textContent = pending[0].author + ": " + pending[0].body;
      } else if (pending.length > 1) {
        announcer.textContent = t("new", { count: pending.length });
      }
      pending = [];
    }, 3000);
  }

  function showBox(box, label, message) {
    box.textContent = "";
    if (!message) {
      box.hidden = true;
      return;
    }
    var heading = document.createElement("strong");
    heading.textContent = label + ": ";
    box.appendChild(heading);
    box.appendChild(document.createTextNode(message.author + " — " + message.body + " (" + sourceLabel(message.source) + ")"));
    box.hidden = false;
  }

  function setMode(newMode, slow) {
    mode = newMode;
    var notes = [];
    if (mode === "review") notes.push(t("review"));
    if (slow) notes.push(t("slow", { seconds: slow }));
    var help = document.getElementById("tv-chat-help");
    if (help && !help.getAttribute("data-base")) help.setAttribute("data-base", help.textContent);
    if (help) help.textContent = [help.getAttribute("data-base")].concat(notes).join(" ");
    form.hidden = !canPost || mode === "closed";
    if (mode === "closed") say(t("closed"));
  }

  function showPoll(poll, votedOption) {
    if (!poll) {
      pollBox.hidden = true;
      return;
    }
    if (votedOption) pollVoted[poll.id] = votedOption;
    pollBox.hidden = false;
    pollBox.setAttribute("data-poll", String(poll.id));
    document.getElementById("tv-poll-question").textContent = poll.question;
    var voted = pollVoted[poll.id];
    var closed = poll.state !== "open";
    var options = document.getElementById("tv-poll-options");
    if (options.getAttribute("data-poll") !== String(poll.id)) {
      options.textContent = "";
      poll.options.forEach(function (option) {
        var row = document.createElement("p");
        var input = document.createElement("input");
        input.type = "radio";
        input.name = "option";
        input.value = String(option.id);
        input.id = "tv-poll-option-" + option.id;
        var label = document.createElement("label");
        label.setAttribute("for", input.id);
        label.textContent = option.label;
        row.appendChild(input);
        row.appendChild(document.createTextNode(" "));
        row.appendChild(label);
        options.appendChild(row);
      });
      options.setAttribute("data-poll", String(poll.id));
    }
    pollForm.hidden = closed || !!voted || !canPost;
    var results = document.getElementById("tv-poll-results");
    results.textContent = "";
    var state = document.getElementById("tv-poll-state");
    state.textContent = closed ? t("poll-closed") : voted ? t("poll-voted") : "";
    if (!closed && !voted) return;
    poll.options.forEach(function (option) {
      var item = document.createElement("li");
      var text = document.createElement("span");
      text.textContent = option.label + ": " + t("votes", { count: option.votes }) + " (" + option.percent + "%)";
      var bar = document.createElement("span");
      bar.className = "tv-poll__bar";
      bar.setAttribute("aria-hidden", "true");
      bar.style.width = option.percent + "%";
      item.appendChild(text);
      item.appendChild(bar);
      results.appendChild(item);
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function handle(event) {
    switch (event.type) {
      case "hello":
        log.textContent = "";
        (event.recent || []).forEach(function (m) { addLine(m, false); });
        log.scrollTop = log.scrollHeight;
        canPost = !!event.can_post;
        setMode(event.mode, event.slow);
        showBox(pinnedBox, t("pinned"), event.pinned);
        showBox(onAirBox, t("on-air"), event.on_air);
        showPoll(event.poll, event.voted);
        if (typeof event.viewers === "number") viewers.textContent = t("viewers", { count: event.viewers });
        break;
      case "chat":
        addLine(event.message, true);
        break;
      case "chat.removed":
        var gone = log.querySelector('[data-id="' + event.id + '"]');
        if (gone) gone.parentNode.removeChild(gone);
        break;
      case "chat.pinned":
        showBox(pinnedBox, t("pinned"), event.message);
        break;
      case "on_air":
        showBox(onAirBox, t("on-air"), event.message);
        break;
      case "chat.upvotes":
        var button = log.querySelector('[data-upvote="' + event.id + '"]');
        if (button) setUpvotes(button, event.upvotes);
        break;
      case "poll":
        showPoll(event.poll);
        break;
      case "voted":
        pollVoted[event.poll] = event.option;
        pollForm.hidden = true;
        document.getElementById("tv-poll-state").textContent = t("poll-voted");
        break;
      case "settings":
        setMode(event.mode, event.slow);
        break;
      case "viewers":
        viewers.textContent = t("viewers", { count: event.count });
        break;
      case "said":
        bodyInput.value = "";
        question.checked = false;
        say(event.notice || t("sent"));
        break;
      case "error":
        say(event.message);
        break;
    }
    document.dispatchEvent(new CustomEvent("sotong:tv", { detail: event }));
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    socket.addEventListener("open", function () {
      retry = 1000;
      if (status.textContent === t("offline")) say("");
    });
    socket.addEventListener("message", function (message) {
      try {
        // Under load the server sends what came together as one array of events.
        [].concat(JSON.parse(message.data)).forEach(handle);
      } catch (error) {
        /* a malformed event is skipped */
      }
    });
    socket.addEventListener("close", function () {
      say(t("offline"));
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    });
  }

  try {
    nameInput.value = window.localStorage.getItem("sotong.tv.name") || "";
  } catch (error) {
    /* storage may be off */
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      say(t("offline"));
      return;
    }
    try {
      window.localStorage.setItem("sotong.tv.name", nameInput.value);
    } catch (error) {
      /* storage may be off */
    }
    sent += 1;
    socket.send(JSON.stringify({
      type: "say",
      client_id: "c" + sent,
      name: nameInput.value,
      body: bodyInput.value,
      question: question.checked
    }));
  });

  pollForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = pollForm.querySelector("input[name=option]:checked");
    if (!chosen) {
      document.getElementById("tv-poll-state").textContent = t("poll-choose");
      return;
    }
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({
      type: "vote",
      poll: Number(pollBox.getAttribute("data-poll")),
      option: Number(chosen.value)
    }));
  });

  bodyInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  log.addEventListener("click", function (event) {
    var target = event.target.closest("[data-upvote]");
    if (!target || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: "upvote", id: Number(target.getAttribute("data-upvote")) }));
    target.disabled = true;
  });

  connect();
})();
