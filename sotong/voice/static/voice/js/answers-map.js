// Shows the published answers that have a (rounded) location on a clustered map; the list below
// carries the same content for everyone, with or without the map.
(function () {
  "use strict";
  var box = document.getElementById("answers-map");
  if (!box || typeof L === "undefined") { return; }
  var items = document.querySelectorAll(".answer[data-lat]");
  if (!items.length) { return; }
  box.hidden = false;
  var map = L.map(box).setView([37.5206, 126.9139], 13);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  var group = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
  items.forEach(function (item) {
    var m = L.marker([+item.dataset.lat, +item.dataset.lon], { title: item.dataset.title });
    m.bindPopup(document.createTextNode(item.dataset.title));
    group.addLayer(m);
  });
  group.addTo(map);
  if (group.getBounds) { map.fitBounds(group.getBounds().pad(0.2)); }
})();
