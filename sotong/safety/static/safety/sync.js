// The optional sync account on the safety page (decision 0056). Signing in sends a one-time link by
// e-mail; a signed-in device sends its places (with tombstones) and household to /safety/sync/data and
// keeps what the account answers, place by place the later change winning on both sides, so nothing is
// lost when two devices edit. Changes made offline stay marked and go out when the device is online again.
// safety.js keeps the places; the two talk through the "sotong:safety-changed" / "-synced" events.
(function () {
  "use strict";
  var configNode = document.getElementById("safety-client");
  var section = document.getElementById("sync");
  if (!configNode || !section) { return; }
  var CLIENT = JSON.parse(configNode.textContent);
  var S = CLIENT.strings.sync;
  var U = CLIENT.urls;
  var PLACES_KEY = "sotong.safety.places";
  var DELETED_KEY = "sotong.safety.places.deleted";
  var HOUSEHOLD_KEY = "sotong.safety.household";
  var HOUSEHOLD_AT_KEY = "sotong.safety.household.updated";
  var SYNC_KEY = "sotong.safety.sync"; // {on, dirty, last, devices}
  var EVERY = 2 * 60 * 1000; // while the page is open, look for other devices' changes this often

  var status = document.getElementById("sync-status");
  var signedOutBox = document.getElementById("sync-signed-out");
  var signedInBox = document.getElementById("sync-signed-in");
  var inFlight = false;
  // The sync under way (resolved when none is), and a counter that signing out or deleting the account
  // moves on: an answer to a sync sent before then is stale and must not bring places back.
  var running = Promise.resolve();
  var epoch = 0;
  var leaving = false;
  var again = false;
  var changes = 0;

  function read(key, fallback) {
    try { var v = JSON.parse(window.localStorage.getItem(key) || "null"); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, name) { return values[name] === undefined ? "" : String(values[name]); });
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body || {})
    });
  }
  function answer(response) {
    return response.json().catch(function () { return {}; }).then(function (body) { return { status: response.status, ok: response.ok, body: body }; });
  }
  function state() { return read(SYNC_KEY, {}); }
  function setState(changes) {
    var now = state();
    Object.keys(changes).forEach(function (k) { now[k] = changes[k]; });
    write(SYNC_KEY, now);
    return now;
  }
  function say(text) { status.textContent = text || ""; }

  function time(iso) {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "ko", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
    } catch (e) { return iso; }
  }

  function show() {
    var st = state();
    signedOutBox.hidden = Boolean(st.on);
    signedInBox.hidden = !st.on;
    var localHint = document.getElementById("places-local-hint");
    var syncHint = document.getElementById("places-sync-hint");
    if (localHint && syncHint) { localHint.hidden = Boolean(st.on); syncHint.hidden = !st.on; }
    if (!st.on) { return; }
    document.getElementById("sync-summary").textContent = S.on + (st.devices ? " " + fmt(S.devices, { n: st.devices }) : "");
    document.getElementById("sync-last").textContent = st.last ? fmt(S.last, { time: time(st.last) }) : "";
  }

  // What this device holds, as the API takes it.
  function localPlaces() {
    var live = read(PLACES_KEY, []).filter(function (p) { return p && p.id && p.updated_at; });
    var wire = live.map(function (p) {
      return { id: p.id, updated_at: p.updated_at, deleted: false, label: p.label || "", address: p.address || "", dong: p.dong || "", lat: p.lat, lon: p.lon };
    });
    return wire.concat(read(DELETED_KEY, []).filter(function (d) { return d && d.id && d.updated_at; }));
  }
  function localHousehold() {
    var at = null;
    try { at = window.localStorage.getItem(HOUSEHOLD_AT_KEY); } catch (e) { at = null; }
    return { value: read(HOUSEHOLD_KEY, []), updated_at: at };
  }
  function later(a, b) { return Date.parse(a) > Date.parse(b); }

  // Take the account's copy, except where this device changed something after the request went out:
  // that change stays, and goes out with the next sync. `sent` is what the request carried.
  function merge(server, sent) {
    var sentAt = {};
    sent.places.forEach(function (p) { sentAt[p.id] = p.updated_at; });
    var byId = {};
    var order = [];
    localPlaces().forEach(function (p) { byId[p.id] = p; order.push(p.id); });
    var newer = false;
    var before = JSON.stringify(read(PLACES_KEY, []).map(function (p) { return [p.id, p.updated_at]; }));
    var known = {};
    (server.places || []).forEach(function (sp) {
      known[sp.id] = true;
      var mine = byId[sp.id];
      if (mine && mine.updated_at !== sentAt[sp.id] && later(mine.updated_at, sp.updated_at)) { newer = true; return; }
      if (!mine) { order.push(sp.id); }
      byId[sp.id] = sp;
    });
    var oldLocal = {};
    read(PLACES_KEY, []).forEach(function (p) { oldLocal[p.id] = p; });
    var live = [];
    var dead = [];
    order.forEach(function (id) {
      var p = byId[id];
      // Sent but not in the answer: a tombstone the account has forgotten. Not sent: made meanwhile.
      if (!known[id]) {
        if (sentAt[id] !== undefined) { return; }
        newer = true;
      }
      if (p.deleted) { dead.push({ id: id, deleted: true, updated_at: p.updated_at }); return; }
      var keep = oldLocal[id] && oldLocal[id].updated_at === p.updated_at ? oldLocal[id] : p;
      live.push({ id: id, updated_at: p.updated_at, label: keep.label, address: keep.address || "", dong: keep.dong || "", dongName: keep.dongName || "", lat: keep.lat, lon: keep.lon });
    });
    write(PLACES_KEY, live);
    write(DELETED_KEY, dead);
    var household = server.household || {};
    var mineHousehold = localHousehold();
    var householdChanged = false;
    var changedSince = mineHousehold.updated_at && mineHousehold.updated_at !== sent.household.updated_at;
    if (changedSince && (!household.updated_at || later(mineHousehold.updated_at, household.updated_at))) {
      newer = true;
    } else if (household.updated_at) {
      householdChanged = JSON.stringify(mineHousehold.value) !== JSON.stringify(household.value || []);
      write(HOUSEHOLD_KEY, household.value || []);
      try { window.localStorage.setItem(HOUSEHOLD_AT_KEY, household.updated_at); } catch (e) { /* private mode */ }
    }
    var after = JSON.stringify(live.map(function (p) { return [p.id, p.updated_at]; }));
    document.dispatchEvent(new CustomEvent("sotong:safety-synced", { detail: { places: before !== after, household: householdChanged } }));
    return newer;
  }

  function signedOutHere(message) {
    leaving = false;
    setState({ on: false, dirty: false, devices: 0 });
    show();
    say(message);
  }

  function sync(manual) {
    var st = state();
    if (!st.on || leaving) { return Promise.resolve(); }
    if (inFlight) { again = true; return running; }
    if (!navigator.onLine) { setState({ dirty: true }); say(S.offline); return Promise.resolve(); }
    inFlight = true;
    var mine = epoch;
    var sent = changes;
    if (manual) { say(S.syncing); }
    var payload = { places: localPlaces(), household: localHousehold() };
    running = post(U.sync_data, payload).then(answer).then(function (got) {
      if (mine !== epoch) { return; }
      if (got.status === 401) { signedOutHere(S.signed_out_elsewhere); return; }
      if (!got.ok) { setState({ dirty: true }); say(got.body.error || S.failed); return; }
      var newer = merge(got.body, payload);
      setState({ dirty: newer || changes !== sent, last: new Date().toISOString(), devices: got.body.devices || 0 });
      show();
      if (manual) { say(S.done); }
      if (newer || changes !== sent) { again = true; }
    }).catch(function () {
      if (mine !== epoch) { return; }
      setState({ dirty: true });
      say(navigator.onLine ? S.failed : S.offline);
    }).then(function () {
      inFlight = false;
      if (mine !== epoch) { again = false; return undefined; }
      if (again) { again = false; if (state().dirty) { return sync(false); } }
      return undefined;
    });
    return running;
  }

  // Signing out or deleting: let the sync under way finish (unless its answer is to be thrown away),
  // then stop every later one until the device is signed out.
  function leave(keepRunning) {
    var before = keepRunning ? running : Promise.resolve();
    leaving = true;
    return before.then(function () { epoch += 1; });
  }

  // Is this device signed in? (The cookie is HttpOnly: the server says.) Offline, the last answer stands.
  function check() {
    return fetch(U.sync_data, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(answer).then(function (got) {
      if (!got.ok) { return; }
      var wasOn = state().on;
      if (got.body.signed_in) {
        setState({ on: true, devices: got.body.devices || 0 });
        show();
        return sync(false);
      }
      if (wasOn) { signedOutHere(S.signed_out_elsewhere); }
      return undefined;
    }).catch(function () { show(); if (state().on && state().dirty) { say(S.offline); } });
  }

  function setUpForms() {
    document.getElementById("sync-sign-in-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var input = document.getElementById("sync-email");
      var email = input.value.trim();
      if (!email) { input.setAttribute("aria-invalid", "true"); say(S.email_needed); input.focus(); return; }
      post(U.sync_sign_in, { email: email }).then(answer).then(function (got) {
        input.setAttribute("aria-invalid", got.ok ? "false" : "true");
        say(got.body.message || got.body.error || S.failed);
        if (!got.ok) { input.focus(); }
      }).catch(function () { say(S.failed); });
    });
    document.getElementById("sync-now").addEventListener("click", function () { sync(true); });
    document.getElementById("sync-sign-out").addEventListener("click", function () {
      var forget = document.getElementById("sync-forget").checked;
      // Whatever this device has not sent yet goes first, unless the resident wants it gone; a sync
      // still under way when they want it gone is ignored, so it cannot bring the places back.
      var first = forget ? leave(false) : sync(false).then(function () { return leave(true); });
      first.then(function () { return post(U.sync_sign_out, {}).then(answer); }).then(function (got) {
        var message = got.body.message || "";
        if (forget) {
          [PLACES_KEY, DELETED_KEY, HOUSEHOLD_KEY, HOUSEHOLD_AT_KEY].forEach(function (k) {
            try { window.localStorage.removeItem(k); } catch (e) { /* private mode */ }
          });
          document.dispatchEvent(new CustomEvent("sotong:safety-synced", { detail: { places: true, household: true } }));
          message = S.forgotten;
        }
        signedOutHere(message);
        document.getElementById("sync-email").focus();
      }).catch(function () { leaving = false; say(S.failed); });
    });
    var deleteButton = document.getElementById("sync-delete");
    var confirmBox = document.getElementById("sync-delete-confirm");
    function closeConfirm() { confirmBox.hidden = true; deleteButton.setAttribute("aria-expanded", "false"); }
    deleteButton.addEventListener("click", function () {
      confirmBox.hidden = false;
      deleteButton.setAttribute("aria-expanded", "true");
      document.getElementById("sync-delete-no").focus();
    });
    document.getElementById("sync-delete-no").addEventListener("click", function () { closeConfirm(); deleteButton.focus(); });
    document.getElementById("sync-delete-yes").addEventListener("click", function () {
      leave(false).then(function () { return post(U.sync_delete, {}).then(answer); }).then(function (got) {
        if (!got.ok && got.status !== 401) { leaving = false; say(got.body.error || S.failed); return; }
        closeConfirm();
        signedOutHere(got.body.message || S.signed_out_elsewhere);
        document.getElementById("sync-email").focus();
      }).catch(function () { leaving = false; say(S.failed); });
    });
  }

  function start() {
    setUpForms();
    show();
    var welcome = document.getElementById("sync-welcome");
    if (welcome) { welcome.focus(); }
    document.addEventListener("sotong:safety-changed", function () {
      changes += 1;
      if (state().on) { setState({ dirty: true }); sync(false); }
    });
    window.addEventListener("online", function () { if (state().on && state().dirty) { sync(false); } });
    // Back to the page after a while (another device may have changed something).
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { sync(false); } });
    check();
    window.setInterval(function () { if (document.visibilityState === "visible" && navigator.onLine) { sync(false); } }, EVERY);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
