/* The cluster page's small map: the cluster's own feature from /api/clusters/geojson/. */
(function () {
  "use strict";
  var el = document.getElementById("cluster-mini-map");
  if (!el || !window.L) { return; }
  var cfg = JSON.parse(document.getElementById("map-settings").textContent);
  var map = L.map(el, { scrollWheelZoom: false }).setView(cfg.centre, cfg.zoom);
  map.attributionControl.setPrefix("Leaflet");
  if (cfg.tiles) { L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map); }
  fetch(el.dataset.api, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) { return; }
      var mine = data.features.filter(function (f) { return f.properties.code === el.dataset.code; });
      var layer = L.geoJSON({ type: "FeatureCollection", features: mine }, {
        style: function (f) { return { color: f.properties.status_colour, weight: 2, fillOpacity: 0.3 }; },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 8, color: "#212529", weight: 1, fillColor: f.properties.status_colour, fillOpacity: 0.9 }); }
      }).addTo(map);
      var b = layer.getBounds();
      if (b.isValid()) { map.fitBounds(b, { padding: [20, 20], maxZoom: 15 }); }
      el.dataset.ready = "1";
    });
}());
