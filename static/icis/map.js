/* The cluster map: draws /api/clusters/geojson/ (the page's filters) with Leaflet, coloured by the
   chosen measure. Works with no tile server: the clusters and the outlines are still drawn. */
(function () {
  "use strict";
  var el = document.getElementById("cluster-map");
  if (!el || !window.L) { return; }
  var cfg = JSON.parse(document.getElementById("map-settings").textContent);
  var txt = JSON.parse(document.getElementById("map-strings").textContent);
  var lang = document.documentElement.lang || "vi";
  var num = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var map = L.map(el).setView(cfg.centre, cfg.zoom);
  map.attributionControl.setPrefix("Leaflet");
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { attribution: cfg.attribution, maxZoom: 19 }).addTo(map);
  }
  if (cfg.outlines) {
    fetch(cfg.outlines, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) { L.geoJSON(data, { style: { color: "#6c757d", weight: 1, fill: false }, interactive: false }).addTo(map); }
      }).catch(function () { /* outlines are optional */ });
  }
  function band(value, cuts) {
    if (value === null || value === undefined) { return "#adb5bd"; }
    return value < cuts[0] ? "#dc3545" : (value < cuts[1] ? "#fd7e14" : "#198754");
  }
  function colourOf(p, by) {
    if (by === "occupancy") { return band(p.occupancy_percent, [30, 70]); }
    if (by === "progress") { return band(p.progress_percent, [50, 90]); }
    if (by === "compliance") { return p.open_violations > 0 ? "#dc3545" : (p.has_plant ? "#198754" : "#adb5bd"); }
    return p.status_colour;
  }
  function pct(v) { return v === null || v === undefined ? txt.unknown : num.format(v) + "%"; }
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  function popup(p) {
    return "<strong>" + esc(p.name) + "</strong> <span class=\"text-muted\">" + esc(p.code) + "</span><br>" +
      esc(txt.status) + ": " + esc(p.status_label) + "<br>" +
      esc(txt.area) + ": " + (p.area_ha === null ? esc(txt.unknown) : num.format(p.area_ha) + " ha") + "<br>" +
      esc(txt.occupancy) + ": " + esc(pct(p.occupancy_percent)) + "<br>" +
      esc(txt.progress) + ": " + esc(pct(p.progress_percent)) + "<br>" +
      esc(txt.violations) + ": " + esc(num.format(p.open_violations)) + "<br>" +
      "<a href=\"" + esc(p.url) + "\">" + esc(txt.open) + "</a>";
  }
  var by = el.dataset.colour || "status";
  var layer = null;
  function draw(data) {
    if (layer) { map.removeLayer(layer); }
    layer = L.geoJSON(data, {
      style: function (f) { var c = colourOf(f.properties, by); return { color: c, fillColor: c, weight: 2, fillOpacity: 0.4 }; },
      pointToLayer: function (f, latlng) {
        var c = colourOf(f.properties, by);
        return L.circleMarker(latlng, { radius: 8, color: "#212529", weight: 1, fillColor: c, fillOpacity: 0.9 });
      },
      onEachFeature: function (f, l) {
        l.bindPopup(popup(f.properties));
        l.bindTooltip(f.properties.name);
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 }); }
    el.dataset.features = String(data.features.length);
    document.getElementById("map-count").textContent = txt.count
      .replace("%(drawn)s", num.format(data.features.length)).replace("%(unplaced)s", num.format(data.unplaced.length));
    var list = document.getElementById("map-unplaced");
    list.innerHTML = "";
    data.unplaced.slice(0, 200).forEach(function (c) {
      var li = document.createElement("li"); var a = document.createElement("a");
      a.href = c.url; a.textContent = c.name + " (" + c.code + ")"; li.appendChild(a); list.appendChild(li);
    });
  }
  var data = null;
  fetch(el.dataset.api + cfg.data, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (d) { data = d; draw(d); el.dataset.ready = "1"; })
    .catch(function () { document.getElementById("map-count").textContent = txt.failed; el.dataset.ready = "error"; });
  var select = document.getElementById("id_colour");
  if (select) {
    select.addEventListener("change", function () {
      by = select.value;
      document.querySelectorAll(".map-legend").forEach(function (ul) { ul.classList.toggle("d-none", ul.dataset.legend !== by); });
      if (data) { draw(data); }
      var url = new URL(window.location.href); url.searchParams.set("colour", by); history.replaceState(null, "", url);
    });
  }
}());
