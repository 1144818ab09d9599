// On every back-office page: the staff websocket brings notifications (urgent cases, overdue cases)
// as they happen, shown in a polite live region and counted on the menu.
(function () {
  "use strict";
  if (!("WebSocket" in window) || document.getElementById("staff-live")) { return; }
  var box = document.createElement("div");
  box.id = "staff-live";
  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");
  box.className = "staff-live";
  document.body.appendChild(box);
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = document.currentScript ? document.currentScript.dataset.css : "";
  if (style.href) { document.head.appendChild(style); }
  function show(event) {
    var item = document.createElement("a");
    item.className = "staff-live__item staff-live__item--" + (event.level || "info");
    item.href = event.url || "#";
    item.textContent = event.title;
    box.appendChild(item);
    setTimeout(function () { if (item.parentNode) { item.parentNode.removeChild(item); } }, 15000);
  }
  function connect(delay) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/staff/");
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event.type === "notification") { show(event); }
    };
    socket.onclose = function () { setTimeout(function () { connect(Math.min(delay * 2, 30000)); }, delay); };
  }
  connect(1000);
})();
