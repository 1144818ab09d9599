// The 재난안전생활지도: the public layers on a Leaflet map, points clustered, a toggle and a legend entry per
// layer; a layer is fetched when first shown. The tables under the map carry the same content without JavaScript.
(function () {
  "use strict";
  var node = document.getElementById("safety-map");
  var configNode = document.getElementById("safety-client");
  if (!node || !configNode || typeof L === "undefined") { return; }
  var CLIENT = JSON.parse(configNode.textContent);
  var map = L.map(node, { scrollWheelZoom: false }).setView([37.5206, 126.9139], 14);
  if (CLIENT.tiles) { L.tileLayer(CLIENT.tiles, { maxZoom: 19, attribution: CLIENT.attribution }).addTo(map); }

  var toggles = document.getElementById("layer-toggles");
  var shown = {};

  function colourOf(slug) {
    var rect = toggles.querySelector("#toggle-" + slug + " + label rect");
    var colour = rect ? rect.getAttribute("fill") : "";
    return /^#[0-9a-fA-F]{3,8}$/.test(colour) ? colour : "#0b5cad";
  }
  function nameOf(props) {
    var lang = CLIENT.lang;
    return (props.names && (props.names[lang] || props.names.ko)) || props["name_" + lang] || props.name || props.name_ko || "";
  }
  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = nameOf(props) || props.category_name || "";
    box.appendChild(title);
    [props.kind_label || props.status_label, props.address || props.reported_on].forEach(function (line) {
      if (!line) { return; }
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }
  // Leaflet makes a cluster a keyboard button: it needs a name (escaped through a text node).
  function spoken(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span.outerHTML;
  }

  function build(slug, geojson) {
    var colour = colourOf(slug);
    var toggle = toggles.querySelector("#toggle-" + slug + " + label");
    var layerName = toggle ? toggle.textContent.trim() : slug;
    // Clusters in the layer's colour, so that the legend also explains them.
    var cluster = L.markerClusterGroup ? L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (group) {
        var n = group.getChildCount();
        return L.divIcon({
          className: "safety-cluster",
          html: '<svg width="36" height="36" aria-hidden="true" focusable="false"><circle cx="18" cy="18" r="16" fill="' +
            colour + '" fill-opacity="0.85" stroke="#fff" stroke-width="3"/><text x="18" y="23" text-anchor="middle" ' +
            'font-size="14" font-weight="700" fill="#fff">' + n + "</text></svg>" + spoken(layerName + " " + n),
          iconSize: [36, 36]
        });
      }
    }) : L.layerGroup();
    var shapes = L.geoJSON(geojson, {
      style: function () { return { color: colour, weight: 3, fillOpacity: 0.2 }; },
      pointToLayer: function (feature, latlng) {
        // An SVG dot (a fill attribute, not an inline style: the page's CSP allows no inline styles).
        var icon = L.divIcon({
          className: "safety-marker",
          html: '<svg width="18" height="18" aria-hidden="true" focusable="false"><circle cx="9" cy="9" r="7" fill="' +
            colour + '" stroke="#fff" stroke-width="2"/></svg>',
          iconSize: [18, 18]
        });
        return L.marker(latlng, { icon: icon, keyboard: false, alt: nameOf(feature.properties || {}) });
      },
      onEachFeature: function (feature, layer) { layer.bindPopup(popup(feature.properties || {})); }
    });
    var group = L.featureGroup();
    shapes.eachLayer(function (layer) {
      if (layer instanceof L.Marker) { cluster.addLayer(layer); } else { group.addLayer(layer); }
    });
    group.addLayer(cluster);
    return group;
  }

  var API_LANG = { ko: "ko", en: "en", zh: "zh-hans" }[CLIENT.lang] || "ko";
  function layerUrl(slug, known) {
    var url = (known && known[slug]) || "/api/safety/layers/" + encodeURIComponent(slug) + ".geojson";
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "lang=" + API_LANG;
  }

  function urlsFromIndex() {
    return fetch(CLIENT.urls.layers + "?lang=" + API_LANG, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (body) {
        var list = Array.isArray(body) ? body : (body.layers || []);
        var known = {};
        list.forEach(function (layer) { if (layer.slug) { known[layer.slug] = layer.geojson || layer.url || layer.geojson_url; } });
        return known;
      }).catch(function () { return {}; });
  }

  // Which layers show: the page's choice (the shelters, or the layers for an alert in force) unless this device
  // chose otherwise; a layer switched on for an alert in force stays on whatever was chosen in quieter times.
  var PREFS_KEY = "sotong.safety.map.layers";
  function loadPrefs() {
    try { return JSON.parse(window.localStorage.getItem(PREFS_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function savePref(slug, on) {
    var prefs = loadPrefs();
    prefs[slug] = on;
    try { window.localStorage.setItem(PREFS_KEY, JSON.stringify(prefs)); } catch (e) { /* private mode */ }
  }
  var boxes = Array.prototype.slice.call(toggles.querySelectorAll("input[type=checkbox]"));
  var prefs = loadPrefs();
  boxes.forEach(function (box) {
    if (!box.hasAttribute("data-for-alert") && Object.prototype.hasOwnProperty.call(prefs, box.value)) {
      box.checked = prefs[box.value] === true;
    }
  });

  // A layer's GeoJSON is fetched the first time it is shown.
  var known = null;
  var loading = {};
  function layer(slug) {
    if (!loading[slug]) {
      known = known || urlsFromIndex();
      loading[slug] = known.then(function (urls) {
        return fetch(layerUrl(slug, urls), { credentials: "same-origin" });
      }).then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      }).then(function (geojson) {
        shown[slug] = build(slug, geojson);
        return shown[slug];
      });
    }
    return loading[slug];
  }
  function show(box) {
    return layer(box.value).then(function (group) {
      if (box.checked) { group.addTo(map); }
      return group;
    }).catch(function () { box.disabled = true; });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      savePref(box.value, box.checked);
      if (box.checked) { show(box); } else if (shown[box.value]) { map.removeLayer(shown[box.value]); }
      updateLegend();
    });
  });
  Promise.all(boxes.filter(function (box) { return box.checked; }).map(show)).then(function (groups) {
    var bounds = L.latLngBounds([]);
    groups.forEach(function (group) {
      if (group && group.getBounds) { try { bounds.extend(group.getBounds()); } catch (e) { /* empty layer */ } }
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); }
  });

  // The legend on the map: the same swatches and names as the toggles.
  var legendBox = null;
  function updateLegend() {
    if (!legendBox) { return; }
    legendBox.textContent = "";
    var on = boxes.filter(function (box) { return box.checked; });
    legendBox.hidden = !on.length;
    var title = L.DomUtil.create("strong", "", legendBox);
    title.textContent = CLIENT.strings.legend;
    on.forEach(function (box) {
      var row = L.DomUtil.create("div", "safety-legend__row", legendBox);
      var swatch = L.DomUtil.create("span", "safety-legend__swatch", row);
      swatch.style.background = colourOf(box.value);
      row.appendChild(document.createTextNode(" " + box.nextElementSibling.textContent.trim()));
    });
  }
  // The legend names the layers on the map, with the same swatches and names as the toggles.
  var Legend = L.Control.extend({
    options: { position: "bottomright" },
    onAdd: function () {
      legendBox = L.DomUtil.create("div", "safety-legend");
      legendBox.setAttribute("aria-hidden", "true"); // the toggles and the tables say the same to screen readers
      updateLegend();
      return legendBox;
    }
  });
  new Legend().addTo(map);
})();
