// The story's dong on a small map (Leaflet, vendored in core). Without JavaScript the dong's name and the link
// to the safety map stay.
(function () {
  "use strict";
  var box = document.getElementById("story-map");
  if (!box || typeof L === "undefined") { return; }
  var lat = parseFloat(box.getAttribute("data-lat"));
  var lon = parseFloat(box.getAttribute("data-lon"));
  if (isNaN(lat) || isNaN(lon)) { return; }
  box.classList.add("story-map--on");
  var map = L.map(box, { scrollWheelZoom: false, keyboard: false, zoomControl: false, attributionControl: false, dragging: false });
  map.setView([lat, lon], 15);
  var tiles = box.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  L.circle([lat, lon], { radius: 450, color: "#1f5fa8", weight: 2, fillOpacity: 0.15 }).addTo(map);
  // A picture for sighted readers (role=img with a label): no controls inside it; the tiles' attribution is
  // printed under it.
})();
