// Tenant list import: poll the import's progress and move the bar; reload the page when the check or
// the import has finished, so the server renders the errors or the preview. A file, not inline
// script: the CSP allows scripts from 'self' only.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var track = box.querySelector("[role=progressbar]");
  var bar = document.getElementById("import-progress-bar");
  var failures = 0;

  function show(percent) {
    var value = Math.max(0, Math.min(100, Math.round(percent)));
    bar.style.width = value + "%";
    bar.textContent = value + " %";
    track.setAttribute("aria-valuenow", String(value));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state.progress);
        if (state.running) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        failures += 1;
        // Keep trying, more slowly, through a brief network or server hiccup.
        window.setTimeout(poll, Math.min(15000, 1000 * Math.pow(2, failures)));
      });
  }

  window.setTimeout(poll, 500);
})();
