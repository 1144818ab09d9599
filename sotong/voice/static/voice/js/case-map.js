(function () {
  "use strict";
  var box = document.getElementById("case-map");
  if (!box || typeof L === "undefined") { return; }
  var here = [+box.dataset.lat, +box.dataset.lon];
  var map = L.map(box).setView(here, 17);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  L.marker(here).addTo(map);
})();
