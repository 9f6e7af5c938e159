// The cluster's progress chart: accepted reports over time and the forecast line to 100 %.
// Data comes from a json_script element (no inline script: the CSP allows only files from 'self').
(function () {
  "use strict";
  var source = document.getElementById("progress-data");
  var canvas = document.getElementById("progress-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  function stamp(point) {
    var parts = point.x.split("-");
    return { x: Date.UTC(+parts[0], +parts[1] - 1, +parts[2]), y: point.y };
  }
  function dayMonthYear(value) {
    var d = new Date(value);
    var dd = String(d.getUTCDate()).padStart(2, "0");
    var mm = String(d.getUTCMonth() + 1).padStart(2, "0");
    return dd + "/" + mm + "/" + d.getUTCFullYear();
  }
  var datasets = [
    {
      label: data.labels.progress,
      data: data.points.map(stamp),
      borderColor: "#0d6efd",
      backgroundColor: "#0d6efd",
      tension: 0,
      pointRadius: 4,
    },
  ];
  if (data.forecast.length) {
    datasets.push({
      label: data.labels.forecast,
      data: data.forecast.map(stamp),
      borderColor: "#6c757d",
      backgroundColor: "#6c757d",
      borderDash: [6, 4],
      pointRadius: 3,
    });
  }
  new Chart(canvas, {
    type: "line",
    data: { datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: { type: "linear", ticks: { callback: dayMonthYear, maxTicksLimit: 8 } },
        y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? dayMonthYear(items[0].parsed.x) : ""; },
            label: function (item) { return item.dataset.label + ": " + item.parsed.y + "%"; },
          },
        },
      },
    },
  });
})();
