// Remember which alerts this browser has shown, so that the banner announces (role="alert") only new ones.
(function () {
  "use strict";
  var ids = Array.prototype.map.call(document.querySelectorAll("[data-alert-id]"), function (el) {
    return el.getAttribute("data-alert-id");
  });
  if (!ids.length) return;
  var secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "sotong_alerts_seen=" + ids.slice(0, 20).join(".") + "; Path=/; Max-Age=604800; SameSite=Lax" + secure;
})();
