/* Web Push as every service worker of the site shows it (safety's alerts, 소통TV's reminders), loaded
   with importScripts after the worker sets self.PUSH_CONFIG = {name, icon, lang, scope}.
   A push carries {"title", "body", "url", "tag"}. */
"use strict";
self.addEventListener("push", function (event) {
  var config = self.PUSH_CONFIG || {};
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  var title = data.title || data.headline || config.name;
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || data.instruction || "",
    tag: data.tag || data.identifier || undefined,
    renotify: Boolean(data.tag || data.identifier),
    icon: config.icon,
    badge: config.icon,
    lang: config.lang,
    data: { url: data.url || config.scope }
  }));
});

self.addEventListener("notificationclick", function (event) {
  var config = self.PUSH_CONFIG || {};
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || config.scope;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (clients) {
    for (var i = 0; i < clients.length; i++) {
      if (clients[i].url.indexOf(target) !== -1 && "focus" in clients[i]) { return clients[i].focus(); }
    }
    return self.clients.openWindow(target);
  }));
});
