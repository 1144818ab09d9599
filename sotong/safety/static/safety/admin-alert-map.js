// The alert area on a Leaflet map: draw polygons and circles into the form's hidden "areas" field
// (JSON: [{"type": "polygon", "points": [[lat, lon], ...]}, {"type": "circle", "lat", "lon", "radius_m"}]).
// Without JavaScript the officer chooses dongs instead; the map is an addition.
(function () {
  "use strict";
  var el = document.getElementById("alert-map");
  if (!el || typeof L === "undefined") return;
  var dongs = JSON.parse(document.getElementById("alert-dong-points").textContent || "[]");
  var readonly = el.getAttribute("data-readonly") === "1";
  var input = readonly ? null : document.getElementById(el.getAttribute("data-input"));
  var shapes = [];
  try {
    shapes = JSON.parse(readonly ? document.getElementById("alert-areas").textContent : (input.value || "[]")) || [];
  } catch (e) { shapes = []; }

  var lat = 37.5264, lon = 126.8962;
  if (dongs.length) {
    lat = dongs.reduce(function (s, d) { return s + d.lat; }, 0) / dongs.length;
    lon = dongs.reduce(function (s, d) { return s + d.lon; }, 0) / dongs.length;
  }
  var map = L.map(el).setView([lat, lon], 13);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  dongs.forEach(function (d) {
    L.circleMarker([d.lat, d.lon], { radius: 4, color: "#0b4f9c" }).bindTooltip(document.createTextNode(d.name)).addTo(map);
  });
  var layer = L.layerGroup().addTo(map);
  var sketch = [];
  var sketchLine = null;
  var mode = "";
  var status = document.getElementById("alert-map-status");

  function say(text) { if (status) status.textContent = text; }
  function draw() {
    layer.clearLayers();
    shapes.forEach(function (s) {
      if (s.type === "polygon") L.polygon(s.points, { color: "#b3261e" }).addTo(layer);
      if (s.type === "circle") L.circle([s.lat, s.lon], { radius: s.radius_m, color: "#b3261e" }).addTo(layer);
    });
    if (input) input.value = JSON.stringify(shapes);
  }
  draw();
  if (readonly) {
    var bounds = layer.getLayers().length ? L.featureGroup(layer.getLayers()).getBounds() : null;
    if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.2));
    return;
  }
  var tools = document.getElementById("alert-map-tools");
  tools.hidden = false;
  tools.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-mode]");
    if (!button) return;
    var chosen = button.getAttribute("data-mode");
    if (chosen === "finish") {
      if (sketch.length >= 3) shapes.push({ type: "polygon", points: sketch.slice() });
      sketch = [];
      if (sketchLine) { map.removeLayer(sketchLine); sketchLine = null; }
      mode = "";
      draw();
      say(shapes.length + " ✓");
    } else if (chosen === "clear") {
      shapes = []; sketch = []; mode = "";
      if (sketchLine) { map.removeLayer(sketchLine); sketchLine = null; }
      draw();
      say("0");
    } else {
      mode = chosen;
      say(button.textContent);
    }
  });
  map.on("click", function (event) {
    var point = [Number(event.latlng.lat.toFixed(6)), Number(event.latlng.lng.toFixed(6))];
    if (mode === "polygon") {
      sketch.push(point);
      if (sketchLine) map.removeLayer(sketchLine);
      sketchLine = L.polyline(sketch, { color: "#b3261e", dashArray: "4" }).addTo(map);
    } else if (mode === "circle") {
      var radius = Number(document.getElementById("alert-radius").value) || 500;
      shapes.push({ type: "circle", lat: point[0], lon: point[1], radius_m: radius });
      mode = "";
      draw();
    }
  });
})();
