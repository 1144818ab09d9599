/* Studio desk: actions are POSTed without leaving the page, and the sections are re-read from the server
   whenever the chat websocket reports a change (moderators receive every line as stored). */
(function () {
  "use strict";
  var root = document.getElementById("tv-desk");
  if (!root) return;
  var status = document.getElementById("tv-desk-status");
  var refreshTimer = null;
  var retry = 1000;

  function refresh() {
    if (refreshTimer) return;
    refreshTimer = window.setTimeout(function () {
      refreshTimer = null;
      fetch(root.getAttribute("data-fragment"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var focused = document.activeElement;
          var keep = focused && root.contains(focused) && focused.closest("tr")
            ? [focused.closest("tr").getAttribute("data-id"), focused.value] : null;
          root.innerHTML = html;
          if (keep) {
            var again = root.querySelector('tr[data-id="' + keep[0] + '"] button[value="' + keep[1] + '"]');
            if (again) again.focus();
          }
        });
    }, 400);
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (button && button.getAttribute("data-confirm") && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (button && button.name) data.append(button.name, button.value);
    // getAttribute: the buttons are named "action", which form.action would return instead.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) { return response.json(); })
      .then(function (answer) { status.textContent = answer.message; refresh(); })
      .catch(function () { form.submit(); });
  });

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    socket.addEventListener("open", function () { retry = 1000; });
    socket.addEventListener("message", function (message) {
      // One event, or under load an array of those that came together.
      [].concat(JSON.parse(message.data)).forEach(function (event) {
        // "signal": the slate went on air or the encoder's picture came back (decision 0079).
        if (event.type === "chat.moderation" || event.type === "chat.removed" || event.type === "poll" ||
            event.type === "signal") refresh();
      });
    });
    socket.addEventListener("close", function () {
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    });
  }
  connect();
})();
