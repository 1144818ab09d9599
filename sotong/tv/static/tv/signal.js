/* The control page's signal banner (decision 0079): `sotong tv` reports the slate going on air and the signal
   coming back over the moderators' websocket; the banner says so at once, without a reload. */
(function () {
  "use strict";
  var box = document.getElementById("tv-signal");
  if (!box || box.closest("#tv-desk")) return; // on the desk, desk.js re-reads the whole section instead
  var retry = 1000;

  function show(event) {
    var lost = event.state === "lost";
    box.textContent = "";
    var block = document.createElement(lost ? "div" : "p");
    block.className = "help-block " + (lost ? "help-critical" : "help-info");
    if (lost) block.setAttribute("role", "alert");
    var text = document.createElement(lost ? "strong" : "span");
    text.setAttribute("data-tv-signal-text", "");
    text.textContent = event.text;
    block.appendChild(text);
    box.appendChild(block);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + box.getAttribute("data-socket"));
    socket.addEventListener("open", function () { retry = 1000; });
    socket.addEventListener("message", function (message) {
      [].concat(JSON.parse(message.data)).forEach(function (event) {  // one event, or an array under load
        if (event.type === "signal") show(event);
      });
    });
    socket.addEventListener("close", function () {
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 15000);
    });
  }
  connect();
})();
