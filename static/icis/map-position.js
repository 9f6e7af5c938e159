/* Place a cluster: a click sets the point (latitude/longitude fields) or adds a corner to the boundary
   (the GeoJSON field). Works with no tile server. */
(function () {
  "use strict";
  var el = document.getElementById("position-map");
  if (!el || !window.L) { return; }
  var cfg = JSON.parse(document.getElementById("map-settings").textContent);
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var boundaryField = document.getElementById("id_boundary");
  var map = L.map(el).setView(cfg.centre, cfg.zoom);
  map.attributionControl.setPrefix("Leaflet");
  if (cfg.tiles) { L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map); }
  function parse(v) { var n = parseFloat(String(v || "").replace(",", ".")); return isNaN(n) ? null : n; }
  var marker = null;
  var corners = [];
  var polygon = null;
  function showPoint() {
    var a = parse(lat.value), b = parse(lng.value);
    if (a === null || b === null) { return; }
    if (marker) { marker.setLatLng([a, b]); } else { marker = L.marker([a, b]).addTo(map); }
  }
  function showBoundary() {
    if (polygon) { map.removeLayer(polygon); polygon = null; }
    var text = boundaryField.value.trim();
    if (!text) { return; }
    try {
      polygon = L.geoJSON(JSON.parse(text), { style: { color: "#0d6efd", weight: 2, fillOpacity: 0.2 } }).addTo(map);
    } catch (e) { /* the server says what is wrong with it */ }
  }
  function writeBoundary() {
    if (corners.length < 3) { return; }
    var ring = corners.map(function (c) { return [Number(c.lng.toFixed(6)), Number(c.lat.toFixed(6))]; });
    ring.push(ring[0]);
    boundaryField.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
    showBoundary();
  }
  map.on("click", function (e) {
    var mode = document.querySelector("input[name=mode]:checked").value;
    if (mode === "point") {
      lat.value = e.latlng.lat.toFixed(6);
      lng.value = e.latlng.lng.toFixed(6);
      showPoint();
    } else {
      corners.push(e.latlng);
      writeBoundary();
    }
  });
  document.getElementById("clear-boundary").addEventListener("click", function () {
    corners = []; boundaryField.value = ""; showBoundary();
  });
  boundaryField.addEventListener("change", showBoundary);
  lat.addEventListener("change", showPoint);
  lng.addEventListener("change", showPoint);
  showPoint();
  showBoundary();
  if (polygon && polygon.getBounds().isValid()) { map.fitBounds(polygon.getBounds()); }
  else if (marker) { map.setView(marker.getLatLng(), 14); }
}());
