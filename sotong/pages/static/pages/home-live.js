// The home page's blocks (alerts in force, live on 소통TV, …) refresh without a reload: the public websocket says
// something changed, and the blocks' HTML is fetched again. Without JavaScript the page is complete as served.
(function () {
  "use strict";
  var box = document.getElementById("home-blocks");
  if (!box || !window.WebSocket || !window.fetch) { return; }
  var blocksUrl = box.getAttribute("data-live-url");
  var status = document.getElementById("home-live-status");
  var message = box.getAttribute("data-live-message") || "";
  var delay = 1000;
  var pending = null;

  function refresh() {
    fetch(blocksUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        box.innerHTML = html;
        box.setAttribute("data-refreshed", String(Date.now()));
        if (status) { status.textContent = message; }
      })
      .catch(function () { /* the next event tries again */ });
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + box.getAttribute("data-live-socket"));
    socket.onopen = function () {
      // Something may have changed while we were disconnected.
      if (delay > 1000) { refresh(); }
      delay = 1000;
    };
    socket.onmessage = function () {
      // Several saves in a row (an alert and its areas) make one refresh.
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(function () { pending = null; refresh(); }, 300);
    };
    socket.onclose = function () {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }
  connect();
})();
