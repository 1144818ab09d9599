/* On-air overlay: shows the line the producer puts on air, hides when it is taken off. */
(function () {
  "use strict";
  var root = document.getElementById("tv-overlay");
  var card = document.getElementById("tv-overlay-card");
  var retry = 1000;

  function show(message) {
    if (!message) {
      card.hidden = true;
      return;
    }
    document.getElementById("tv-overlay-icon").className = "icon icon--" + message.source;
    document.getElementById("tv-overlay-source").textContent = root.getAttribute("data-source-" + message.source) || message.source;
    document.getElementById("tv-overlay-author").textContent = message.author;
    document.getElementById("tv-overlay-body").textContent = message.body;
    card.setAttribute("data-id", String(message.id));
    card.hidden = false;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket") + "?overlay=1");
    socket.addEventListener("open", function () { retry = 1000; });
    socket.addEventListener("message", function (message) {
      // One event, or under load an array of those that came together.
      [].concat(JSON.parse(message.data)).forEach(function (event) {
        if (event.type === "hello") show(event.on_air);
        if (event.type === "on_air") show(event.message);
        if (event.type === "chat.removed" && !card.hidden && card.getAttribute("data-id") === String(event.id)) show(null);
      });
    });
    socket.addEventListener("close", function () {
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    });
  }
  connect();
})();
