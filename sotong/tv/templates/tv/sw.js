/* 소통TV's service worker: it only shows "remind me" pushes, with the site's one push handler. */
"use strict";
self.PUSH_CONFIG = {{ config|safe }};
importScripts(self.PUSH_CONFIG.push_handler);
self.addEventListener("install", function () { self.skipWaiting(); });
