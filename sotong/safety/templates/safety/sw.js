/* The safety pages' service worker, one per language (served from that language's /safety/sw.js, so its
   scope is that language's /safety/). Pages: network first, the cache when the network fails.
   Static files: cache first. facilities.json: stale-while-revalidate, telling the pages when its
   data_version changed. See docs/decisions (the safety PWA record). */
"use strict";
var CONFIG = {{ config|safe }};
var PAGES = "safety-pages-" + CONFIG.lang + "-" + CONFIG.version;
var PAGES_PREFIX = "safety-pages-" + CONFIG.lang + "-";
var DATA = "safety-data";

function fresh(url) {
  return new Request(url, { cache: "reload", credentials: "same-origin" });
}

function precacheFacilities() {
  return caches.open(DATA).then(function (cache) {
    return fetch(fresh(CONFIG.facilities)).then(function (response) {
      if (response.ok) { return cache.put(CONFIG.facilities, response); }
      return undefined;
    });
  }).catch(function () { return undefined; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(PAGES).then(function (cache) {
      // One by one: a page that cannot be fetched now must not stop the others from being kept.
      return Promise.all(CONFIG.precache.map(function (url) {
        return cache.add(fresh(url)).catch(function () { return undefined; });
      }));
    }).then(precacheFacilities).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PAGES_PREFIX) === 0 && name !== PAGES;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function dataVersion(response) {
  if (!response) { return Promise.resolve(null); }
  return response.clone().json().then(function (body) {
    return body && body.data_version !== undefined ? String(body.data_version) : null;
  }).catch(function () { return null; });
}

function tellPages(message) {
  return self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

function facilities(event) {
  var request = event.request;
  var key = CONFIG.facilities;
  var update = caches.open(DATA).then(function (cache) {
    return cache.match(key, { ignoreVary: true }).then(function (cached) {
      // The browser revalidates with the ETag (If-None-Match): an unchanged list costs a 304.
      return fetch(request.url, { cache: "no-cache", credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { return response; }
        return Promise.all([dataVersion(cached), dataVersion(response)]).then(function (versions) {
          return cache.put(key, response.clone()).then(function () {
            if (cached && versions[0] !== versions[1]) {
              tellPages({ type: "facilities-updated", data_version: versions[1] });
            }
            return response;
          });
        });
      });
    });
  });
  event.respondWith(
    caches.open(DATA).then(function (cache) {
      return cache.match(key, { ignoreVary: true }).then(function (cached) {
        if (cached) {
          event.waitUntil(update.catch(function () { return undefined; }));
          return cached;
        }
        return update;
      });
    })
  );
}

function page(event) {
  var request = event.request;
  event.respondWith(
    fetch(request).then(function (response) {
      // Only pages without a query are kept (a search's answer is not worth a copy per query; offline
      // the copy of the plain page answers).
      if (response.ok && response.type === "basic" && new URL(request.url).search === "") {
        var copy = response.clone();
        event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(request, copy); }));
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES).then(function (cache) {
        // ignoreVary: the pages vary on Cookie and Accept-Language, which a saved copy may not match.
        return cache.match(request, { ignoreVary: true }).then(function (hit) {
          return hit || cache.match(request, { ignoreSearch: true, ignoreVary: true });
        }).then(function (hit) {
          return hit || cache.match(CONFIG.offline, { ignoreVary: true });
        });
      });
    })
  );
}

function asset(event) {
  var request = event.request;
  event.respondWith(
    caches.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) { return hit; }
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          var copy = response.clone();
          event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(request, copy); }));
        }
        return response;
      });
    })
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; } // map tiles and the like: the network's business
  if (url.pathname === CONFIG.facilities) { facilities(event); return; }
  if (request.mode === "navigate") { page(event); return; }
  if (url.pathname.indexOf(CONFIG.static) === 0) { asset(event); return; }
  if (url.pathname === CONFIG.scope + "manifest.webmanifest") { page(event); return; }
  // Other API calls: the network. The map's layers are kept as they are fetched, so that a map seen
  // once can be drawn again offline; nearest-shelter answers are not (the page computes those itself).
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && url.pathname.indexOf("/api/safety/layers") === 0) {
        var copy = response.clone();
        event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(request, copy); }));
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreVary: true }).then(function (hit) { return hit || Response.error(); });
    })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "refresh-facilities") {
    event.waitUntil(precacheFacilities().then(function () {
      return tellPages({ type: "facilities-updated" });
    }));
  }
});

// Alerts for the resident's places (sent by the push fan-out): shown by the site's one push handler.
self.PUSH_CONFIG = CONFIG;
importScripts(CONFIG.push_handler);
