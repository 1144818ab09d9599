// Live inbox: the staff websocket announces new and changed cases of this inbox's department (or the
// triage queue); the officer sees a notice and reloads when ready, so nothing moves under their cursor.
(function () {
  "use strict";
  var root = document.querySelector(".inbox[data-ws-groups]");
  if (!root || !("WebSocket" in window)) { return; }
  var live = document.getElementById("inbox-live");
  var text = document.getElementById("inbox-live-text");
  var wanted = root.dataset.wsGroups.split(",").filter(Boolean);
  var seen = {};
  function relevant(event) {
    if (event.type !== "case.new" && event.type !== "case.changed") { return false; }
    if (wanted.indexOf("triage") >= 0) { return !event.department; }
    return wanted.indexOf("department." + event.department) >= 0 || event.type === "case.changed";
  }
  function connect(delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/staff/");
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (!relevant(event)) { return; }
      seen[event.case] = event.type;
      var count = Object.keys(seen).length;
      text.textContent = (event.type === "case.new" ? root.dataset.textNew : root.dataset.textChanged) + " (" + count + ")";
      live.hidden = false;
      root.dispatchEvent(new CustomEvent("inbox:event", { detail: event }));
    };
    socket.onclose = function () { setTimeout(function () { connect(Math.min(delay * 2, 30000)); }, delay); };
  }
  connect(1000);
})();
