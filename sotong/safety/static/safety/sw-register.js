// Registers this language's safety service worker (scope: this language's /safety/) and shows the
// parts of the page that need JavaScript. Kept as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var me = document.currentScript;
  document.documentElement.classList.add("js");
  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
    Array.prototype.forEach.call(document.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  if (!me || !("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register(me.dataset.sw, { scope: me.dataset.scope }).catch(function () {
    // Without a worker the pages still work online; nothing to tell the resident.
  });
})();
