// The plant page's chart: outlet results of one parameter over time against its limit lines.
// Data comes from a json_script element (no inline script: the CSP allows only files from 'self').
(function () {
  "use strict";
  var source = document.getElementById("effluent-data");
  var canvas = document.getElementById("effluent-chart");
  var picker = document.getElementById("chart-parameter");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var COLOURS = { compliant: "#198754", exceeded: "#dc3545", indeterminate: "#fd7e14" };
  function stamp(point) {
    var parts = point.x.split("-");
    return { x: Date.UTC(+parts[0], +parts[1] - 1, +parts[2]), y: point.y, raw: point };
  }
  function dayMonthYear(value) {
    var d = new Date(value);
    var dd = String(d.getUTCDate()).padStart(2, "0");
    var mm = String(d.getUTCMonth() + 1).padStart(2, "0");
    return dd + "/" + mm + "/" + d.getUTCFullYear();
  }
  function datasets(series) {
    var points = series.points.map(stamp);
    var sets = [
      {
        label: data.labels.value + " (" + series.code + (series.unit && series.unit !== "-" ? ", " + series.unit : "") + ")",
        data: points,
        showLine: points.length < 60,
        borderColor: "#0d6efd",
        pointRadius: 4,
        pointBackgroundColor: points.map(function (p) {
          return p.raw.below ? "#ffffff" : COLOURS[p.raw.outcome] || "#6c757d";
        }),
        pointBorderColor: points.map(function (p) { return COLOURS[p.raw.outcome] || "#6c757d"; }),
      },
    ];
    if (series.limit.length) {
      sets.push({
        label: data.labels.limit,
        data: series.limit.map(stamp),
        borderColor: "#dc3545",
        borderDash: [6, 4],
        pointRadius: 0,
        stepped: true,
      });
    }
    if (series.limit_min.length) {
      sets.push({
        label: data.labels.limit_min,
        data: series.limit_min.map(stamp),
        borderColor: "#fd7e14",
        borderDash: [2, 3],
        pointRadius: 0,
        stepped: true,
      });
    }
    return sets;
  }
  var chart = null;
  function draw(code) {
    var series = data.series.filter(function (s) { return s.code === code; })[0] || data.series[0];
    if (chart) {
      chart.destroy();
    }
    chart = new Chart(canvas, {
      type: "line",
      data: { datasets: datasets(series) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: { type: "linear", ticks: { callback: dayMonthYear, maxTicksLimit: 8 } },
          y: { beginAtZero: series.limit_min.length === 0 },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? dayMonthYear(items[0].parsed.x) : ""; },
              label: function (item) {
                var raw = item.raw && item.raw.raw;
                var prefix = raw && raw.below ? "< " : "";
                return item.dataset.label + ": " + prefix + item.parsed.y;
              },
            },
          },
        },
      },
    });
  }
  if (picker) {
    picker.addEventListener("change", function () { draw(picker.value); });
    draw(picker.value);
  } else {
    draw(data.series[0].code);
  }
})();
