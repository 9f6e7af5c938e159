/* The public portal's map: draws /api/public/v1/clusters/geojson/ (the page's filters) with Leaflet, as
   icis/map.js does for officials. Works with no tile server: the clusters are still drawn. */
(function () {
  "use strict";
  var el = document.getElementById("portal-map");
  if (!el || !window.L) { return; }
  var cfg = JSON.parse(document.getElementById("map-settings").textContent);
  var txt = JSON.parse(document.getElementById("map-strings").textContent);
  var lang = document.documentElement.lang || "vi";
  var num = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var map = L.map(el).setView(cfg.centre, cfg.zoom);
  map.attributionControl.setPrefix("Leaflet");
  if (cfg.tiles) { L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map); }
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  function val(v, unit) { return v === null || v === undefined ? txt.unknown : num.format(v) + unit; }
  function popup(p) {
    var plant = p.plant_compliant === null || p.plant_compliant === undefined ? txt.unknown : (p.plant_compliant ? txt.yes : txt.no);
    return "<strong>" + esc(p.name) + "</strong> <span class=\"text-muted\">" + esc(p.code) + "</span><br>" +
      esc(p.province) + " · " + esc(p.status_label) + "<br>" +
      esc(txt.vacant) + ": " + esc(val(p.vacant_ha, " ha")) + "<br>" +
      esc(txt.progress) + ": " + esc(val(p.progress_percent, "%")) + "<br>" +
      esc(txt.plant) + ": " + esc(plant) + "<br>" +
      "<a href=\"" + esc(cfg.prefix + p.url) + "\">" + esc(txt.open) + "</a>";
  }
  fetch(cfg.data, { credentials: "omit", headers: { "Accept": "application/geo+json, application/json;q=0.9" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) { var c = f.properties.status_colour; return { color: c, fillColor: c, weight: 2, fillOpacity: 0.4 }; },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 8, color: "#212529", weight: 1, fillColor: f.properties.status_colour, fillOpacity: 0.9 });
        },
        onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); l.bindTooltip(f.properties.name); }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
      el.dataset.features = String(data.features.length);
      el.dataset.ready = "1";
      document.getElementById("map-count").textContent = txt.count.replace("%(drawn)s", num.format(data.features.length));
    })
    .catch(function () { document.getElementById("map-count").textContent = txt.failed; el.dataset.ready = "error"; });
}());
