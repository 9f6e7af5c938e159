// The dossier page's working-day calculator: asks GET /api/calendar/add-working-days/ and shows
// the due date (dd/mm/yyyy) with the calendar's warnings, or the API's error messages.
"use strict";
document.getElementById("calc-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target, out = document.getElementById("calc-result");
  const query = new URLSearchParams({start: form.start.value, days: form.days.value});
  out.textContent = "";
  try {
    const response = await fetch(form.dataset.url + "?" + query, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
    const body = await response.json();
    if (!response.ok) { out.className = "mt-2 text-danger"; out.textContent = (body.errors || []).map(e => e.message).join(" ") || body.detail; return; }
    const [y, m, d] = body.date.split("-");
    out.className = "mt-2";
    const due = document.createElement("strong"); due.textContent = `${d}/${m}/${y}`; out.append(due);
    for (const warning of body.warnings) { const w = document.createElement("div"); w.className = "small text-warning-emphasis"; w.textContent = "⚠ " + warning; out.append(w); }
  } catch (error) { out.className = "mt-2 text-danger"; out.textContent = String(error); }
});
