// Progressive enhancement of the case form: pick a place on a map or use the device's location.
// Without JavaScript (or without map tiles) the dong and address fields still do the job.
(function () {
  "use strict";
  var box = document.querySelector(".map-picker");
  if (!box || typeof L === "undefined") { return; }
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var status = document.getElementById("picked");
  box.hidden = false;
  var start = [37.5206, 126.9139]; // Yeongdeungpo-gu office
  var map = L.map("pick-map").setView(lat.value ? [+lat.value, +lon.value] : start, 15);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
  }
  var marker = null;
  function place(latlng, how) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    status.textContent = how + " " + lat.value + ", " + lon.value;
  }
  if (lat.value && lon.value) { place(L.latLng(+lat.value, +lon.value), ""); }
  map.on("click", function (e) { place(e.latlng, status.dataset.picked || "✓"); });
  var button = document.getElementById("use-my-location");
  if (!navigator.geolocation) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
      map.setView(here, 17);
      place(here, "✓");
    });
  });
})();
