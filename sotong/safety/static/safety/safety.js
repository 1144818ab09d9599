// 내손안의 안전 on the device: my places and household (kept in localStorage, no account), the nearest
// suitable shelters computed here from facilities.json (so it works with the network off, through the
// service worker's cache), Web Push sign-up, and on guide pages the household's steps highlighted.
// Without JavaScript the server-rendered form and pages do the same job.
// Every place has an id and the time it was last changed, a removed place leaves a tombstone, and the
// household its time too: what sync.js needs to merge this device with the optional sync account. Local
// changes are announced with the "sotong:safety-changed" event; sync.js announces "sotong:safety-synced".
(function () {
  "use strict";
  var PLACES_KEY = "sotong.safety.places";
  var HOUSEHOLD_KEY = "sotong.safety.household";
  var PUSH_KEY = "sotong.safety.push";
  var DELETED_KEY = "sotong.safety.places.deleted";
  var HOUSEHOLD_AT_KEY = "sotong.safety.household.updated";
  var LIMIT = 5;
  var MAX_PLACES = 5;

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]") || []; } catch (e) { return []; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function changed(what) {
    document.dispatchEvent(new CustomEvent("sotong:safety-changed", { detail: { what: what } }));
  }
  // Places saved before places had ids get one now (their time is now: nothing older to win against).
  function loadPlaces() {
    var places = load(PLACES_KEY);
    var fixed = false;
    places.forEach(function (place) {
      if (!place.id) { place.id = newId(); fixed = true; }
      if (!place.updated_at) { place.updated_at = new Date().toISOString(); fixed = true; }
    });
    if (fixed) { store(PLACES_KEY, places); }
    return places;
  }
  function tombstone(place) {
    var deleted = load(DELETED_KEY).filter(function (d) { return d.id !== place.id; });
    deleted.push({ id: place.id, deleted: true, updated_at: new Date().toISOString() });
    store(DELETED_KEY, deleted.slice(-50));
  }
  function storeHousehold(chosen) {
    store(HOUSEHOLD_KEY, chosen);
    try { window.localStorage.setItem(HOUSEHOLD_AT_KEY, new Date().toISOString()); } catch (e) { /* private mode */ }
    changed("household");
  }
  function fmt(text, values) {
    return String(text === undefined ? "" : text).replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  // ---- Guide pages: highlight the household's steps, print button -------------------------------
  function enhanceGuide() {
    var form = document.getElementById("guide-household");
    if (!form) { return; }
    var saved = load(HOUSEHOLD_KEY);
    var fromQuery = new URLSearchParams(window.location.search).getAll("for");
    var mine = fromQuery.length ? fromQuery : saved;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=for]"), function (box) {
      box.checked = mine.indexOf(box.value) !== -1;
      box.addEventListener("change", function () {
        var chosen = Array.prototype.filter.call(form.querySelectorAll("input[name=for]:checked"), function (b) { return true; })
          .map(function (b) { return b.value; });
        storeHousehold(chosen);
        highlight(chosen);
      });
    });
    highlight(mine);
    var printButton = document.getElementById("print-guide");
    if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  }
  function highlight(audiences) {
    var label = document.querySelector(".badge--mine");
    var text = label ? label.textContent : "";
    Array.prototype.forEach.call(document.querySelectorAll(".guide-step--audience"), function (step) {
      var on = audiences.indexOf(step.dataset.audience) !== -1;
      step.classList.toggle("guide-step--mine", on);
      var badge = step.querySelector(".badge--mine");
      if (on && !badge && text) {
        step.insertBefore(el("span", { "class": "badge badge--mine", text: text }), step.childNodes[1] || null);
        step.insertBefore(document.createTextNode(" "), step.childNodes[2] || null);
      } else if (!on && badge) {
        badge.parentNode.removeChild(badge);
      }
    });
  }

  // ---- The home page ------------------------------------------------------------------------------
  var configNode = document.getElementById("safety-client");
  if (!configNode) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", enhanceGuide); } else { enhanceGuide(); }
    return;
  }
  var CLIENT = JSON.parse(configNode.textContent);
  var S = CLIENT.strings;
  var data = null; // {facilities: [...], data_version, holidays}
  var lastQuery = null;
  var resultsMap = null;
  var resultsLayer = null;

  // Opening hours, in Seoul's time whatever the device's time zone.
  var seoulParts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Seoul", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short"
  });
  function seoul(date) {
    var parts = {};
    seoulParts.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return {
      day: parts.year + "-" + parts.month + "-" + parts.day,
      weekday: parts.weekday,
      minutes: parseInt(parts.hour, 10) * 60 + parseInt(parts.minute, 10)
    };
  }
  function dayLabel(local, holidays) {
    if (holidays.indexOf(local.day) !== -1) { return "holiday"; }
    if (local.weekday === "Sat") { return "saturday"; }
    if (local.weekday === "Sun") { return "sunday"; }
    return "weekday";
  }
  function hhmm(text) { var p = String(text).split(":"); return parseInt(p[0], 10) * 60 + parseInt(p[1], 10); }
  function openNow(f, now, holidays) {
    if (f.always_open) { return true; }
    var spans = f.opening_hours || f.hours || [];
    if (!spans.length) { return true; } // no hours published: shelters open when needed (as the server)
    for (var offset = 0; offset >= -1; offset--) {
      var local = seoul(new Date(now.getTime() + offset * 86400000));
      var label = dayLabel(local, holidays);
      var nowMin = seoul(now).minutes + (offset === -1 ? 1440 : 0);
      for (var i = 0; i < spans.length; i++) {
        if (spans[i].days !== label) { continue; }
        var open = hhmm(spans[i].open), close = hhmm(spans[i].close);
        var end = close > open ? close : close + 1440;
        if (open <= nowMin && nowMin < end) { return true; }
      }
    }
    return false;
  }

  function rad(d) { return d * Math.PI / 180; }
  function distance(lat1, lon1, lat2, lon2) {
    var dp = rad(lat2 - lat1), dl = rad(lon2 - lon1);
    var a = Math.pow(Math.sin(dp / 2), 2) + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
  }
  function direction(lat1, lon1, lat2, lon2) {
    var y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
    var x = Math.cos(rad(lat1)) * Math.sin(rad(lat2)) - Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
    var deg = (Math.atan2(y, x) * 180 / Math.PI + 360) % 360;
    return S.compass[Math.round(deg / 45) % 8];
  }
  function metres(m) { return m < 1000 ? Math.round(m / 10) * 10 + "m" : (m / 1000).toFixed(1) + "km"; }
  function directionsUrl(from, to) {
    var values = { from_lat: from.lat.toFixed(6), from_lon: from.lon.toFixed(6), lat: to.lat.toFixed(6), lon: to.lon.toFixed(6) };
    return CLIENT.directions.replace(/\{(\w+)\}/g, function (_, name) { return values[name] || ""; });
  }
  var API_LANG = { ko: "ko", en: "en", zh: "zh-hans" }[CLIENT.lang] || "ko";
  function nameOf(f) {
    if (f.name && typeof f.name === "object") { return f.name[API_LANG] || f.name.ko || ""; }
    return f["name_" + CLIENT.lang] || f.name || f.name_ko || "";
  }
  function suits(f, hazard) {
    var hazards = f.hazards || [];
    if (hazards.indexOf(hazard) === -1) { return false; }
    // The server's list already applies these; kept here so that an old cached list cannot send anyone
    // underground in a flood.
    if ((hazard === "flood" || hazard === "typhoon") && f.setting === "underground") { return false; }
    return true;
  }
  function normalise(body) {
    var list = Array.isArray(body) ? body : (body.facilities || body.items || body.features || []);
    var facilities = list.map(function (f) {
      if (f.type === "Feature") { // GeoJSON, in case the list comes as a FeatureCollection
        var p = f.properties || {};
        p.lon = f.geometry.coordinates[0]; p.lat = f.geometry.coordinates[1];
        return p;
      }
      return f;
    });
    return {
      facilities: facilities, data_version: body.data_version, holidays: body.holidays || [],
      last_modified: body.last_modified, data_checked_on: body.data_checked_on
    };
  }
  // The API's ranking (sotong/safety/nearest/ranking.py `rank`): open now only; in an earthquake open-air sites
  // before buildings; then by 500 m band, places that publish a capacity first, then distance.
  function nearest(place, hazard) {
    var now = new Date();
    var rows = [];
    data.facilities.forEach(function (f) {
      if (!suits(f, hazard) || !openNow(f, now, data.holidays)) { return; }
      var d = distance(place.lat, place.lon, f.lat, f.lon);
      rows.push({
        f: f, d: d, open: true,
        key: [hazard === "earthquake" && f.kind !== "earthquake_outdoor" ? 1 : 0, Math.floor(d / 500), f.capacity ? 0 : 1, d]
      });
    });
    rows.sort(function (a, b) {
      for (var i = 0; i < 4; i++) { if (a.key[i] !== b.key[i]) { return a.key[i] - b.key[i]; } }
      return 0;
    });
    return rows.slice(0, LIMIT);
  }

  function loadFacilities() {
    return fetch(CLIENT.urls.facilities, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) { data = normalise(body); return data; });
  }

  // ---- Rendering the nearest shelters -------------------------------------------------------------
  var results = document.getElementById("shelter-results");
  var mapBox = document.getElementById("results-map");

  function fact(term, value) {
    return el("div", {}, [el("dt", { text: term }), el("dd", {}, [value])]);
  }
  function shelterItem(row, place, index, group) {
    var f = row.f;
    var title = el("h4", { "class": "shelter__name", id: group + "-s" + index, text: nameOf(f) });
    if (f.setting === "underground") { title.appendChild(document.createTextNode(" ")); title.appendChild(el("span", { "class": "badge badge--underground", text: S.underground })); }
    if (f.is_sample) { title.appendChild(document.createTextNode(" ")); title.appendChild(el("span", { "class": "badge badge--sample", text: S.sample })); }
    var walk = fmt(S.walk, { n: Math.max(1, Math.round(row.d / 67)) });
    var dist = fmt(S.direction_of, { dir: direction(place.lat, place.lon, f.lat, f.lon), dist: metres(row.d) }) + " · " + walk;
    var kind = (CLIENT.kinds && CLIENT.kinds[f.kind]) || f.kind_label || f.kind || "";
    var setting = (CLIENT.settings && CLIENT.settings[f.setting]) || "";
    var hours = row.open ? document.createTextNode(S.open_now) : el("strong", { text: S.closed_now });
    var hoursDd = el("span", {}, [hours, f.hours_note ? " · " + f.hours_note : ""]);
    var stepFree = f.step_free === true ? S.step_free_yes : f.step_free === false ? S.step_free_no : S.unknown;
    if (f.has_lift) { stepFree += " · " + S.lift; }
    var facts = el("dl", { "class": "shelter__facts" }, [
      fact(S.distance, dist),
      fact(S.kind, kind + (setting ? " · " + setting : "") + (f.floor ? " " + f.floor : "")),
      fact(S.hours, hoursDd),
      fact(S.capacity, f.capacity ? fmt(S.people, { n: Number(f.capacity).toLocaleString() }) : S.unknown),
      fact(S.step_free, stepFree),
      f.address ? fact(S.address || "", f.address) : null
    ]);
    var link = el("a", { href: directionsUrl(place, f), rel: "noopener", target: "_blank" }, [
      S.directions_link + " ", el("span", { "class": "visually-hidden", text: "(" + nameOf(f) + ", " + S.new_window.replace(/[()]/g, "") + ")" })
    ]);
    return el("li", { "class": "shelter" + (row.open ? "" : " shelter--closed") }, [title, facts, el("p", { "class": "shelter__link" }, [link])]);
  }

  function dongName(code) {
    var option = code ? document.querySelector('#place-dong option[value="' + String(code).replace(/["\\]/g, "") + '"]') : null;
    return option ? option.textContent : "";
  }
  function placeName(place) {
    if (place.centreOf) { return fmt(S.dong_centre, { dong: place.centreOf }); }
    var label = S.labels[place.label] || place.label || "";
    var where = place.address || dongName(place.dong) || place.dongName || "";
    return where ? label + " (" + where + ")" : label;
  }

  // The dong whose centre a place is: its distances count from there (a place saved with only a dong, or
  // whose typed name or address could not be found).
  function centreOf(place) {
    var found = "";
    (CLIENT.dongs || []).forEach(function (d) { if (samePoint(place, d)) { found = d.name; } });
    return found;
  }
  function centreNote(place) {
    var dong = centreOf(place);
    if (!dong || place.centreOf) { return ""; }
    var centre = fmt(S.dong_centre, { dong: dong });
    var named = place.address && squash(place.address).indexOf(squash(place.dongName || dong)) === -1;
    return named ? fmt(S.not_located, { place: place.address, centre: centre }) : fmt(S.from_centre, { centre: centre });
  }

  // ---- Finding a typed place name or address on the device ---------------------------------------------
  // Offline, with what the page holds: the facilities' names and addresses (a station, the district office,
  // a street address), then the dongs' names (their centre, no better). Nothing leaves the device.
  var PREFIXES = (CLIENT.address_prefixes || []).map(function (w) { return String(w).toLowerCase(); });
  function squash(text) { return String(text || "").toLowerCase().replace(/[\s()（）\[\]·.,\-]/g, ""); }
  function withoutPrefixes(text) {
    var words = String(text || "").toLowerCase().replace(/,/g, " ").split(/\s+/).filter(Boolean);
    while (words.length > 1 && PREFIXES.indexOf(words[0]) !== -1) { words.shift(); }
    return words.join(" ");
  }
  function plainName(name) {
    return String(name || "").replace(/\s*(\(예시\)|\(sample\)|（示例）)\s*$/i, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  // 3: the whole name; 2: the name starts with the query as a whole word ("당산역" in "당산역 지하 대합실", not
  // in "당산역사공원"); 1: a whole word further on.
  function nameScore(name, query) {
    var n = plainName(name);
    if (n === query) { return 3; }
    var at = n.indexOf(query);
    if (at === -1) { return 0; }
    var after = n.charAt(at + query.length);
    if ((at > 0 && !/[\s(（]/.test(n.charAt(at - 1))) || (after && !/[\s(（,]/.test(after))) { return 0; }
    return at === 0 ? 2 : 1;
  }
  function locate(text) {
    var query = withoutPrefixes(text);
    var q = squash(query);
    if (q.length < 2) { return null; }
    var best = null;
    (data ? data.facilities : []).forEach(function (f) {
      var names = f.name && typeof f.name === "object" ? Object.keys(f.name).map(function (k) { return f.name[k]; }) : [f.name || f.name_ko];
      var score = 0;
      names.forEach(function (name) { score = Math.max(score, nameScore(name, query)); });
      // An address with its building number: that address, or the start of one ("당산로 123 (당산동3가)").
      if (/\d/.test(q) && f.address) {
        var a = squash(withoutPrefixes(f.address));
        if (a.indexOf(q) === 0 && !/\d/.test(a.charAt(q.length))) { score = Math.max(score, 3); }
      }
      if (score && (!best || score > best.score)) { best = { score: score, lat: f.lat, lon: f.lon, name: nameOf(f) }; }
    });
    if (best) { return best; }
    var dong = null;
    (CLIENT.dongs || []).forEach(function (d) {
      d.names.forEach(function (name) {
        if (squash(name) && q.indexOf(squash(name)) !== -1 && (!dong || name.length > dong.length)) { dong = { length: name.length, d: d }; }
      });
    });
    return dong ? { lat: dong.d.lat, lon: dong.d.lon, name: dong.d.name, code: dong.d.code, centre: true } : null;
  }
  // Places saved before typed names were looked up, or while the facilities were not on the device: found now.
  function relocatePlaces() {
    var places = loadPlaces();
    var moved = 0;
    places.forEach(function (place) {
      if (!place.address || !centreOf(place)) { return; }
      var found = locate(place.address);
      if (found && !found.centre) {
        place.lat = found.lat; place.lon = found.lon; place.updated_at = new Date().toISOString();
        moved += 1;
      }
    });
    if (moved) { store(PLACES_KEY, places); showPlaces(); changed("places"); }
  }

  // One shelter or more (a page from before the plural forms has one string).
  function found(n) { return Array.isArray(S.found) ? S.found[n === 1 ? 0 : 1] : S.found; }

  function render(places, hazard) {
    lastQuery = { places: places, hazard: hazard };
    results.textContent = "";
    var hazardName = CLIENT.hazards[hazard] || hazard;
    var markers = [];
    places.forEach(function (place, p) {
      var rows = nearest(place, hazard);
      var group = "place" + p;
      var heading = el("h3", { "class": "results-title", id: group + "-title", text:
        rows.length ? fmt(found(rows.length), { place: placeName(place), hazard: hazardName, n: rows.length }) : fmt(S.none_found, { place: placeName(place) }) });
      results.appendChild(heading);
      var note = centreNote(place);
      if (note) { results.appendChild(el("p", { "class": "hint results-note", text: note })); }
      if (rows.length) {
        var list = el("ol", { "class": "shelter-list", "aria-labelledby": group + "-title" });
        rows.forEach(function (row, i) { list.appendChild(shelterItem(row, place, i, group)); markers.push([row.f.lat, row.f.lon, nameOf(row.f)]); });
        results.appendChild(list);
      }
    });
    var asOf = String(data.last_modified || data.data_checked_on || "").slice(0, 10);
    if (asOf) { results.appendChild(el("p", { "class": "muted", text: fmt(S.data_from, { date: asOf }) })); }
    var slot = document.getElementById("guide-link-slot");
    if (slot) {
      slot.textContent = "";
      var household = load(HOUSEHOLD_KEY);
      var query = household.map(function (a) { return "for=" + encodeURIComponent(a); }).join("&");
      slot.appendChild(el("a", { href: CLIENT.urls.guide.replace("HAZARD", hazard) + (query ? "?" + query : ""), text: fmt(S.read_guide, { hazard: hazardName }) }));
    }
    drawMap(places, markers);
  }

  function drawMap(places, markers) {
    if (!mapBox || typeof L === "undefined" || !markers.length) { if (mapBox) { mapBox.hidden = true; } return; }
    mapBox.hidden = false;
    if (!resultsMap) {
      resultsMap = L.map(mapBox, { scrollWheelZoom: false });
      if (CLIENT.tiles) { L.tileLayer(CLIENT.tiles, { maxZoom: 19, attribution: CLIENT.attribution }).addTo(resultsMap); }
      resultsLayer = L.layerGroup().addTo(resultsMap);
    }
    resultsLayer.clearLayers();
    // Tooltips get text nodes: Leaflet would put a string in as HTML, and names come from imported data.
    var bounds = [];
    places.forEach(function (place) {
      L.circleMarker([place.lat, place.lon], { radius: 8, color: "#b3261e", fillOpacity: 0.9 }).bindTooltip(document.createTextNode(placeName(place))).addTo(resultsLayer);
      bounds.push([place.lat, place.lon]);
    });
    markers.forEach(function (m) { L.marker([m[0], m[1]], { alt: m[2], keyboard: false }).bindTooltip(document.createTextNode(m[2])).addTo(resultsLayer); bounds.push([m[0], m[1]]); });
    resultsMap.invalidateSize();
    resultsMap.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }

  function samePoint(a, b) {
    return Math.abs(a.lat - b.lat) < 1e-6 && Math.abs(a.lon - b.lon) < 1e-6;
  }

  function dongPlace(select) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) { return null; }
    return { label: "other", dong: option.value, dongName: option.textContent, address: "", lat: parseFloat(option.dataset.lat), lon: parseFloat(option.dataset.lon) };
  }

  function search(event) {
    var hazard = document.getElementById("hazard").value;
    var places = loadPlaces().slice();
    var chosen = dongPlace(document.getElementById("dong"));
    // The chosen dong counts from its centre (and its heading says so); not a second time when a saved place
    // is that very point.
    if (chosen && !places.some(function (p) { return samePoint(p, chosen); })) {
      chosen.centreOf = chosen.dongName;
      places.push(chosen);
    }
    if (!hazard || !places.length) { return; } // let the server answer (and explain what is missing)
    if (event) { event.preventDefault(); }
    var go = function () { render(places, hazard); };
    if (data) { go(); return; }
    loadFacilities().then(go).catch(function () {
      if (event) { document.getElementById("nearest-form").submit(); return; }
      results.textContent = "";
      results.appendChild(el("p", { "class": "field-error", text: S.loading_failed }));
    });
  }

  // ---- My places ---------------------------------------------------------------------------------
  var placeList = document.getElementById("place-list");
  var placeStatus = document.getElementById("place-status");
  var picked = null;
  var pickMap = null;
  var pickMarker = null;

  function showPlaces() {
    var places = loadPlaces();
    placeList.textContent = "";
    places.forEach(function (place) {
      var remove = el("button", { type: "button", "class": "button button--secondary button--small", text: S.remove });
      remove.setAttribute("aria-label", S.remove + " " + placeName(place));
      remove.addEventListener("click", function () {
        store(PLACES_KEY, loadPlaces().filter(function (p) { return p.id !== place.id; }));
        tombstone(place);
        placeStatus.textContent = fmt(S.removed, { label: placeName(place) });
        showPlaces();
        changed("places");
      });
      var centre = centreOf(place);
      var where = centre ? el("small", { "class": "place-note", text: fmt(S.approx_short, { centre: fmt(S.dong_centre, { dong: centre }) }) }) : null;
      placeList.appendChild(el("li", {}, [el("span", { text: placeName(place) }), where ? " " : "", where, " ", remove]));
    });
  }

  function setPicked(lat, lon, how) {
    picked = { lat: lat, lon: lon };
    if (pickMap) {
      if (pickMarker) { pickMarker.setLatLng([lat, lon]); } else { pickMarker = L.marker([lat, lon], { keyboard: false }).addTo(pickMap); }
    }
    placeStatus.textContent = how + " " + lat.toFixed(5) + ", " + lon.toFixed(5);
  }

  function setUpPlaces() {
    var form = document.getElementById("place-form");
    if (!form) { return; }
    showPlaces();
    var mapNode = document.getElementById("place-map");
    if (typeof L !== "undefined" && mapNode) {
      pickMap = L.map(mapNode, { scrollWheelZoom: false }).setView([37.5206, 126.9139], 13);
      if (CLIENT.tiles) { L.tileLayer(CLIENT.tiles, { maxZoom: 19, attribution: CLIENT.attribution }).addTo(pickMap); }
      pickMap.on("click", function (e) { setPicked(e.latlng.lat, e.latlng.lng, S.picked); });
    } else if (mapNode) {
      mapNode.hidden = true;
    }
    document.getElementById("place-dong").addEventListener("change", function (e) {
      var place = dongPlace(e.target);
      if (place && pickMap) { pickMap.setView([place.lat, place.lon], 15); }
    });
    var myLocation = document.getElementById("use-my-location");
    if (!navigator.geolocation) { myLocation.hidden = true; }
    myLocation.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPicked(pos.coords.latitude, pos.coords.longitude, S.located);
        if (pickMap) { pickMap.setView([pos.coords.latitude, pos.coords.longitude], 16); }
      }, function () { placeStatus.textContent = S.locate_failed; }, { timeout: 10000, maximumAge: 60000 });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var address = document.getElementById("place-address").value.trim().slice(0, 100);
      // A typed name or address is looked up in the facilities on the device (fetched first if need be).
      var ready = picked || !address || data ? Promise.resolve() : loadFacilities().catch(function () {});
      ready.then(function () { savePlace(form, address); });
    });
  }

  function savePlace(form, address) {
    var dong = dongPlace(document.getElementById("place-dong"));
    var found = !picked && address ? locate(address) : null;
    // A dong the text names is no better than the dong chosen in the list.
    if (found && found.centre && dong) { found = null; }
    var where = picked || found || dong;
    if (!where) { placeStatus.textContent = S.place_needs_location; return; }
    var place = {
      id: newId(),
      updated_at: new Date().toISOString(),
      label: document.getElementById("place-label").value,
      dong: dong ? dong.dong : (found && found.code) || "",
      dongName: dong ? dong.dongName : (found && found.centre && found.name) || "",
      address: address,
      lat: where.lat,
      lon: where.lon
    };
    var all = loadPlaces();
    all.push(place);
    // The oldest place makes room, as before; it leaves a tombstone so that synced devices drop it too.
    all.slice(0, Math.max(0, all.length - MAX_PLACES)).forEach(tombstone);
    store(PLACES_KEY, all.slice(-MAX_PLACES));
    var message = fmt(S.saved, { label: placeName(place) });
    if (found && !found.centre) { message += " " + fmt(S.located_at, { found: found.name }); }
    if (!picked && centreNote(place)) { message += " " + centreNote(place); }
    placeStatus.textContent = message;
    picked = null;
    if (pickMarker) { pickMap.removeLayer(pickMarker); pickMarker = null; }
    form.reset();
    showPlaces();
    changed("places");
    if (document.getElementById("hazard").value) { search(null); }
  }

  // ---- Household ---------------------------------------------------------------------------------
  function showHousehold() {
    var saved = load(HOUSEHOLD_KEY);
    Array.prototype.forEach.call(document.querySelectorAll("#household-form input[name=household]"), function (box) {
      box.checked = saved.indexOf(box.value) !== -1;
    });
  }
  function setUpHousehold() {
    var form = document.getElementById("household-form");
    if (!form) { return; }
    showHousehold();
    Array.prototype.forEach.call(form.querySelectorAll("input[name=household]"), function (box) {
      box.addEventListener("change", function () {
        var chosen = Array.prototype.map.call(form.querySelectorAll("input[name=household]:checked"), function (b) { return b.value; });
        storeHousehold(chosen);
        document.getElementById("household-status").textContent = S.household_saved;
        if (lastQuery) { render(lastQuery.places, lastQuery.hazard); }
      });
    });
  }

  // ---- Push ----------------------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function base64ToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  // Coordinates only: the server finds each place's dong (a dong code would replace a picked pin).
  function pushPlaces(places) {
    return places.slice(-MAX_PLACES).map(function (p) { return { label: (S.labels[p.label] || p.label || "").slice(0, 40), lat: p.lat, lon: p.lon }; });
  }
  // A device subscribed to alerts keeps its subscription's places and household in step with its own (changed here
  // or by a sync), through the subscription's own token.
  function updatePushPlaces() {
    var push = window.localStorage ? (function () { try { return JSON.parse(window.localStorage.getItem(PUSH_KEY) || "null"); } catch (e) { return null; } })() : null;
    var places = loadPlaces();
    if (!push || !push.token || !places.length || !CLIENT.urls.push_subscription) { return; }
    fetch(CLIENT.urls.push_subscription.replace("TOKEN", encodeURIComponent(push.token)), {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ places: pushPlaces(places), household: load(HOUSEHOLD_KEY), language: document.documentElement.lang })
    }).then(function (response) {
      if (response.status === 404) { store(PUSH_KEY, null); } // the subscription is gone (unsubscribed elsewhere)
    }).catch(function () { /* offline: the next change tries again */ });
  }
  function setUpPush() {
    var button = document.getElementById("push-subscribe");
    var status = document.getElementById("push-status");
    if (!button) { return; }
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      button.disabled = true; status.textContent = S.push_unsupported; return;
    }
    button.addEventListener("click", function () {
      var places = loadPlaces();
      if (!places.length) { status.textContent = S.push_needs_places; return; }
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { throw new Error("denied"); }
        return Promise.all([
          navigator.serviceWorker.ready,
          fetch(CLIENT.urls.vapid_key, { credentials: "same-origin" }).then(function (r) {
            if (!r.ok) { throw new Error("key"); }
            return r.headers.get("Content-Type").indexOf("json") !== -1 ? r.json() : r.text();
          })
        ]);
      }).then(function (got) {
        var key = typeof got[1] === "string" ? got[1].trim() : (got[1].public_key || got[1].key || got[1].publicKey);
        return got[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64ToBytes(key) });
      }).then(function (subscription) {
        return fetch(CLIENT.urls.subscribe, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({
            subscription: subscription.toJSON(),
            // Coordinates only: the server finds each place's dong (a dong code would replace a picked pin).
            places: pushPlaces(places),
            household: load(HOUSEHOLD_KEY),
            language: document.documentElement.lang
          })
        });
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        // The subscription's token lets this device change or remove it later; nothing else is kept.
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (body && body.token) { store(PUSH_KEY, { token: body.token }); }
          status.textContent = S.push_done;
        });
      }).catch(function (error) {
        status.textContent = error && error.message === "denied" ? S.push_denied : S.push_failed;
      });
    });
  }

  // ---- Installing and the network --------------------------------------------------------------
  function setUpInstall() {
    var button = document.getElementById("install-app");
    var prompt = null;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault(); prompt = event; if (button) { button.hidden = false; }
    });
    if (button) {
      button.addEventListener("click", function () { if (prompt) { prompt.prompt(); prompt = null; button.hidden = true; } });
    }
    var status = document.getElementById("network-status");
    function show() {
      if (!status) { return; }
      status.hidden = navigator.onLine;
      status.textContent = navigator.onLine ? "" : S.offline_data;
    }
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "facilities-updated") {
          loadFacilities().then(function () { if (lastQuery) { render(lastQuery.places, lastQuery.hazard); } }).catch(function () {});
        }
      });
    }
  }

  function start() {
    setUpPlaces();
    setUpHousehold();
    setUpPush();
    setUpInstall();
    document.addEventListener("sotong:safety-changed", updatePushPlaces);
    // The sync brought another device's changes: show them and recompute.
    document.addEventListener("sotong:safety-synced", function (event) {
      showPlaces();
      showHousehold();
      if (event.detail && (event.detail.places || event.detail.household)) { updatePushPlaces(); }
      if (lastQuery && data) {
        var extra = lastQuery.places.filter(function (p) { return !p.id; });
        render(loadPlaces().concat(extra), lastQuery.hazard);
      }
    });
    document.getElementById("nearest-form").addEventListener("submit", search);
    // Start downloading the list now, so that it is on the device before it is needed; with it, places whose
    // typed name was not found before may be found now.
    loadFacilities().then(relocatePlaces).catch(function () {});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
