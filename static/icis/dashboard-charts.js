/* Dashboard charts: each canvas names its data URL; the figures come from the server (the user's
   scope), numbers are written the way the page's language writes them; a button saves the PNG. */
(function () {
  "use strict";
  if (!window.Chart) { return; }
  var lang = document.documentElement.lang || "vi";
  var num = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    fetch(canvas.dataset.chart, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var note = document.querySelector("[data-chart-note='" + data.name + "']");
        if (note) { note.textContent = data.note || ""; }
        var datasets = data.datasets;
        if (data.name === "status") { datasets = datasets.slice(0, 1); }  /* counts; areas are in the XLSX */
        new window.Chart(canvas, {
          type: data.type,
          data: { labels: data.labels, datasets: datasets },
          options: {
            responsive: true, maintainAspectRatio: false, animation: false,
            plugins: {
              legend: { display: datasets.length > 1 },
              tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + (c.parsed.y === null ? "—" : num.format(c.parsed.y)) + (data.unit || ""); } } }
            },
            scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return num.format(v); } } } }
          }
        });
        canvas.dataset.ready = "1";
      })
      .catch(function () { canvas.dataset.ready = "error"; });
  });
  document.querySelectorAll("[data-chart-png]").forEach(function (button) {
    button.addEventListener("click", function () {
      var canvas = document.getElementById(button.dataset.chartPng);
      var link = document.createElement("a");
      link.href = canvas.toDataURL("image/png");
      link.download = button.dataset.filename;
      link.click();
    });
  });
}());
