/* "Remind me" by this browser's Web Push: register 소통TV's service worker, subscribe with the site's
   VAPID key, and hand the subscription to the server. Without push support the e-mail form remains. */
(function () {
  "use strict";
  var box = document.getElementById("tv-remind-push");
  var status = document.getElementById("tv-remind-status");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  box.hidden = false;

  function csrfToken() {
    var field = document.querySelector(".tv-remind__email input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function bytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  document.getElementById("tv-remind-push-button").addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("denied");
      return Promise.all([
        navigator.serviceWorker.register(box.getAttribute("data-sw"), { scope: box.getAttribute("data-scope") }),
        fetch(box.getAttribute("data-vapid"), { credentials: "same-origin" }).then(function (r) {
          if (!r.ok) throw new Error("key");
          return r.json();
        })
      ]);
    }).then(function (got) {
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(got[1].publicKey) });
      });
    }).then(function (subscription) {
      return fetch(box.getAttribute("data-subscribe"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ subscription: subscription.toJSON(), language: document.documentElement.lang })
      });
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || "failed");
        status.textContent = body.message;
      });
    }).catch(function (error) {
      if (error && error.message === "denied") status.textContent = box.getAttribute("data-t-denied");
      else if (error && error.message && error.message.length > 8) status.textContent = error.message;
      else status.textContent = box.getAttribute("data-t-failed");
    });
  });
})();
