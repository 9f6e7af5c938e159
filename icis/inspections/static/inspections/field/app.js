/* ICIS field work offline (docs/inspections.md, "Field work offline").
 *
 * The day's route is downloaded from the API and kept in IndexedDB; what the inspector records (checklist
 * answers, findings with a photo, GPS position and time, follow-up results) goes to an outbox in IndexedDB
 * first and is removed from it only once the server has acknowledged it. A conflict (the office changed the
 * record meanwhile) or a refusal stays on the phone until the person decides.
 */
(function () {
  "use strict";

  const app = document.getElementById("field-app");
  if (!app) return;
  const cfg = app.dataset;
  const T = JSON.parse(document.getElementById("field-strings").textContent);
  const USER = cfg.user;
  const DB_NAME = "icis-field";
  const ROUTES = "routes";
  const OUTBOX = "outbox";

  let route = null; // the route shown
  let outbox = []; // this user's outbox entries
  let syncing = false;

  // --- small helpers ------------------------------------------------------------------------------------

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_m, key) => (values[key] === undefined ? "" : String(values[key])));
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function localDay(date) {
    const d = date || new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }


  function timeLabel(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function status(text) {
    document.getElementById("field-status").textContent = text;
  }

  // --- IndexedDB ----------------------------------------------------------------------------------------

  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const d = request.result;
          d.createObjectStore(ROUTES, { keyPath: "key" });
          d.createObjectStore(OUTBOX, { keyPath: "client_id" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function store(name, mode, work) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const putRoute = (data) =>
    store(ROUTES, "readwrite", (s) => s.put({ key: `${USER}:${data.day}`, data, saved_at: new Date().toISOString() }));
  const getRoute = (day) => store(ROUTES, "readonly", (s) => s.get(`${USER}:${day}`));
  const putEntry = (entry) => store(OUTBOX, "readwrite", (s) => s.put(entry));
  const deleteEntry = (id) => store(OUTBOX, "readwrite", (s) => s.delete(id));

  async function loadOutbox() {
    const all = (await store(OUTBOX, "readonly", (s) => s.getAll())) || [];
    outbox = all.filter((e) => e.user === USER).sort((a, b) => a.created_at.localeCompare(b.created_at));
    showOutbox();
  }

  // --- network state and the service worker -------------------------------------------------------------

  function showNetwork() {
    const badge = document.getElementById("field-network");
    badge.className = navigator.onLine ? "badge bg-success" : "badge bg-warning text-dark";
    badge.textContent = navigator.onLine ? T.online : T.offline;
  }

  function showOutbox() {
    const node = document.getElementById("field-outbox");
    const waiting = outbox.length;
    node.dataset.count = String(waiting);
    node.dataset.conflicts = String(outbox.filter((e) => e.state === "conflict").length);
    node.textContent = waiting ? fmt(T.pending, { count: waiting }) : T.all_synced;
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(cfg.swUrl, { scope: cfg.scope });
      await navigator.serviceWorker.ready;
      if (navigator.serviceWorker.controller) {
        app.dataset.worker = "1";
      } else {
        navigator.serviceWorker.addEventListener("controllerchange", () => {
          app.dataset.worker = "1";
          markReady();
        });
      }
    } catch (error) {
      app.dataset.worker = "failed";
    }
    markReady();
  }

  function markReady() {
    if (app.dataset.worker === "1" && app.dataset.routeSaved === "1") {
      app.dataset.offlineReady = "1";
      document.getElementById("field-network").title = T.ready;
    }
  }

  // --- the route ----------------------------------------------------------------------------------------

  function currentDay() {
    return document.getElementById("field-day").value || localDay();
  }

  async function download(day) {
    const response = await fetch(`${cfg.routeUrl}?day=${encodeURIComponent(day)}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json", "Accept-Language": cfg.lang },
    });
    if (response.status === 401 || response.status === 403 || response.redirected) {
      throw Object.assign(new Error("auth"), { auth: true });
    }
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    await putRoute(data);
    return data;
  }

  async function openDay(day) {
    const saved = await getRoute(day);
    if (saved) {
      route = saved.data;
      app.dataset.routeSaved = "1";
      render();
      status(fmt(T.saved_at, { time: timeLabel(saved.saved_at) }));
    }
    if (navigator.onLine) {
      try {
        route = await download(day);
        app.dataset.routeSaved = "1";
        render();
        status(fmt(T.saved_at, { time: timeLabel(new Date().toISOString()) }));
      } catch (error) {
        status(error.auth ? T.sign_in : T.download_failed);
      }
    } else if (!saved) {
      route = null;
      render();
      status(T.no_route);
    }
    markReady();
  }

  // --- rendering ----------------------------------------------------------------------------------------

  function pendingFor(kind, test) {
    return outbox.find((e) => e.kind === kind && test(e.fields));
  }

  function render() {
    const target = document.getElementById("field-route");
    target.replaceChildren();
    renderConflicts();
    if (!route) return;
    target.dataset.day = route.day;
    if (!route.inspections.length) {
      target.append(el("p", { className: "text-muted", id: "field-empty", text: T.no_inspection }));
      return;
    }
    for (const inspection of route.inspections) target.append(renderInspection(inspection));
  }

  function renderInspection(inspection) {
    const card = el("section", {
      className: "card mb-3 field-inspection",
      "data-inspection": inspection.id,
    });
    const body = el("div", { className: "card-body p-2" });
    card.append(body);
    body.append(el("h2", { className: "h5", text: inspection.title }));
    if (inspection.plan) body.append(el("div", { className: "small text-muted", text: inspection.plan }));
    const dl = el("dl", { className: "field-subject small" });
    for (const [label, value] of inspection.subject) dl.append(el("dt", { text: label }), el("dd", { text: value }));
    body.append(dl);
    for (const checklist of inspection.checklists) body.append(renderChecklist(inspection, checklist));
    body.append(renderFollowUps(inspection));
    body.append(renderFindings(inspection));
    return card;
  }

  function renderChecklist(inspection, checklist) {
    const box = el("details", { className: "mb-2", "data-checklist": checklist.topic });
    box.append(el("summary", { className: "fw-semibold", text: `${T.checklist}: ${checklist.label}` }));
    for (const item of checklist.items) {
      const local = pendingFor("answer", (f) => f.inspection === inspection.id && f.item === item.id);
      const current = local ? local.fields : item.answer;
      const row = el("div", { className: "field-item small", "data-item": item.id });
      row.append(el("div", {}, [`${item.number}. ${item.text}`]));
      row.append(el("div", { className: "text-muted", text: `${T.legal_basis}: ${item.legal_basis}` }));
      const select = el("select", {
        className: "form-select form-select-sm mt-1",
        "aria-label": T.answer,
        "data-answer": item.id,
      });
      select.append(el("option", { value: "", text: T.not_answered }));
      for (const choice of route.answers) {
        select.append(
          el("option", { value: choice.value, text: choice.label, selected: current && current.answer === choice.value })
        );
      }
      const note = el("input", {
        className: "form-control form-control-sm mt-1",
        placeholder: T.note,
        "aria-label": T.note,
        value: current ? current.note || "" : "",
        "data-note": item.id,
      });
      const save = () => {
        if (!select.value) return;
        recordAnswer(inspection, item, select.value, note.value);
      };
      select.addEventListener("change", save);
      note.addEventListener("change", save);
      row.append(select, note);
      if (local) row.append(localBadge(local));
      box.append(row);
    }
    return box;
  }

  function localBadge(entry) {
    const colour = entry.state === "pending" ? "bg-secondary" : "bg-danger";
    return el("span", { className: `badge ${colour} field-local`, "data-local": entry.client_id, text: T.local });
  }

  function renderFollowUps(inspection) {
    const box = el("div", { className: "mb-2", "data-carried-forward": inspection.id });
    box.append(el("h3", { className: "h6 mt-2", text: T.carried_forward }));
    if (!inspection.carried_forward.length) box.append(el("p", { className: "small text-muted", text: T.none_carried }));
    for (const violation of inspection.carried_forward) {
      const local = pendingFor("follow_up", (f) => f.inspection === inspection.id && f.violation === violation.id);
      const result = local ? local.fields.result : violation.result;
      const row = el("div", { className: "field-item small", "data-violation": violation.id });
      row.append(el("div", { className: "fw-semibold", text: violation.description }));
      row.append(
        el("div", {
          className: "text-muted",
          text: `${T.legal_basis}: ${violation.legal_basis} · ${T.deadline}: ${violation.deadline_label} · ${T.status}: ${violation.status_label}`,
        })
      );
      row.append(el("div", { text: `${T.corrective_action}: ${violation.corrective_action}` }));
      const note = el("input", {
        className: "form-control form-control-sm mt-1",
        placeholder: T.note,
        "aria-label": T.note,
        value: local ? local.fields.note : "",
        "data-result-note": violation.id,
      });
      const buttons = el("div", { className: "btn-group btn-group-sm mt-1", role: "group", "aria-label": T.your_result });
      for (const choice of route.results) {
        buttons.append(
          el("button", {
            type: "button",
            className: `btn ${result === choice.value ? "btn-primary" : "btn-outline-primary"}`,
            "data-result": choice.value,
            "aria-pressed": result === choice.value ? "true" : "false",
            text: choice.label,
            onclick: () => recordFollowUp(inspection, violation, choice.value, note.value),
          })
        );
      }
      row.append(note, buttons);
      if (local) row.append(" ", localBadge(local));
      box.append(row);
    }
    return box;
  }

  function renderFindings(inspection) {
    const box = el("div", { "data-findings": inspection.id });
    box.append(el("h3", { className: "h6 mt-2", text: T.findings }));
    const list = el("ul", { className: "small ps-3" });
    for (const finding of inspection.findings) {
      list.append(
        el("li", { "data-finding": finding.client_id }, [
          finding.description,
          el("div", { className: "text-muted", text: positionLabel(finding) }),
          finding.photos ? el("div", { className: "text-muted", text: fmt(T.photos, { count: finding.photos }) }) : null,
        ])
      );
    }
    for (const entry of outbox.filter((e) => e.kind === "finding" && e.fields.inspection === inspection.id)) {
      list.append(
        el("li", { "data-finding": entry.client_id }, [
          entry.fields.description,
          " ",
          localBadge(entry),
          el("div", { className: "text-muted", text: positionLabel(entry.fields) }),
          entry.photo ? el("div", { className: "text-muted", text: fmt(T.photos, { count: 1 }) }) : null,
        ])
      );
    }
    box.append(list);
    box.append(findingForm(inspection));
    return box;
  }

  function positionLabel(f) {
    if (f.latitude === null || f.latitude === undefined) return fmt(T.no_gps, { time: timeLabel(f.observed_at) });
    return fmt(T.gps, {
      lat: Number(f.latitude).toFixed(5),
      lon: Number(f.longitude).toFixed(5),
      time: timeLabel(f.observed_at),
    });
  }

  function findingForm(inspection) {
    const id = `finding-${inspection.id}`;
    const form = el("form", { className: "border rounded p-2 small", "data-finding-form": inspection.id });
    form.append(el("div", { className: "fw-semibold mb-1", text: T.new_finding }));
    const description = el("textarea", { className: "form-control form-control-sm", id: `${id}-text`, rows: "3" });
    const item = el("select", { className: "form-select form-select-sm", id: `${id}-item` });
    item.append(el("option", { value: "", text: "—" }));
    for (const checklist of inspection.checklists) {
      const group = el("optgroup", { label: checklist.label });
      for (const it of checklist.items) group.append(el("option", { value: it.id, text: `${it.number}. ${it.text.slice(0, 80)}` }));
      item.append(group);
    }
    const photo = el("input", {
      className: "form-control form-control-sm",
      id: `${id}-photo`,
      type: "file",
      accept: "image/*",
      capture: "environment",
    });
    form.append(
      el("label", { className: "form-label mb-0", for: `${id}-text`, text: T.description }),
      description,
      el("label", { className: "form-label mb-0 mt-1", for: `${id}-item`, text: T.item }),
      item,
      el("label", { className: "form-label mb-0 mt-1", for: `${id}-photo`, text: T.photo }),
      photo,
      el("button", { type: "submit", className: "btn btn-sm btn-success mt-2", text: T.save_finding })
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!description.value.trim()) {
        status(T.describe);
        description.focus();
        return;
      }
      const file = photo.files[0] || null;
      await recordFinding(inspection, description.value.trim(), item.value ? Number(item.value) : null, file);
    });
    return form;
  }

  function renderConflicts() {
    const target = document.getElementById("field-conflicts");
    target.replaceChildren();
    for (const entry of outbox.filter((e) => e.state !== "pending")) {
      const box = el("div", { className: "alert alert-danger field-conflict small", "data-conflict": entry.client_id });
      const what = entryLabel(entry);
      if (entry.state === "rejected") {
        box.append(el("div", { className: "fw-semibold", text: fmt(T.rejected, { message: entry.error || "" }) }));
        box.append(el("div", { text: what }));
        if (entry.photo) {
          // A photo the server cannot read (a format it refuses) must not cost the text typed with it.
          box.append(
            el("button", {
              type: "button",
              className: "btn btn-sm btn-outline-primary mt-1 me-2",
              "data-without-photo": entry.client_id,
              text: T.without_photo,
              onclick: () => sendWithoutPhoto(entry),
            })
          );
        }
        box.append(
          el("button", {
            type: "button",
            className: "btn btn-sm btn-outline-danger mt-1",
            "data-discard": entry.client_id,
            text: T.discard,
            onclick: () => discard(entry),
          })
        );
      } else {
        const c = entry.conflict;
        box.append(el("div", { className: "fw-semibold", text: T.conflict }));
        box.append(el("div", { text: what }));
        const mine = el("div", { className: "mt-1", "data-side": "mine" }, [
          el("strong", { text: T.mine + ": " }),
          describeSide(c.mine),
        ]);
        const theirs = el("div", { className: "mt-1", "data-side": "theirs" }, [
          el("strong", { text: T.theirs + ": " }),
          describeSide(c.theirs),
          c.theirs.by ? el("div", { className: "text-muted", text: fmt(T.changed_by, { user: c.theirs.by }) }) : null,
        ]);
        for (const change of c.changes || []) {
          theirs.append(el("div", { className: "text-muted", text: `${change.label || change.field}: ${change.old ?? "—"} → ${change.new ?? "—"}` }));
        }
        box.append(
          mine,
          theirs,
          el("div", { className: "mt-2 d-flex gap-2" }, [
            el("button", { type: "button", className: "btn btn-sm btn-danger", "data-keep": "mine", text: T.keep_mine, onclick: () => keepMine(entry) }),
            el("button", { type: "button", className: "btn btn-sm btn-outline-secondary", "data-keep": "theirs", text: T.keep_theirs, onclick: () => keepTheirs(entry) }),
          ])
        );
      }
      target.append(box);
    }
  }

  function entryLabel(entry) {
    const f = entry.fields;
    const inspection = route && route.inspections.find((i) => i.id === f.inspection);
    const where = inspection ? inspection.title + " · " : "";
    if (entry.kind === "finding") return `${where}${T.findings}: ${f.description}`;
    if (entry.kind === "follow_up" && inspection) {
      const v = inspection.carried_forward.find((x) => x.id === f.violation);
      if (v) return `${where}${T.violation}: ${v.description}`;
    }
    if (entry.kind === "answer" && inspection) {
      for (const c of inspection.checklists) {
        const it = c.items.find((x) => x.id === f.item);
        if (it) return `${where}${it.number}. ${it.text}`;
      }
    }
    return where;
  }

  function describeSide(side) {
    const parts = [];
    if (side.label) parts.push(side.label);
    if (side.status_label) parts.push(`${T.status}: ${side.status_label}`);
    if (side.deadline_label) parts.push(`${T.deadline}: ${side.deadline_label}`);
    if (side.corrective_action) parts.push(`${T.corrective_action}: ${side.corrective_action}`);
    if (side.note) parts.push(`${T.note}: ${side.note}`);
    return el("span", { text: parts.join(" · ") });
  }

  // --- recording (to the outbox first) ------------------------------------------------------------------

  async function save(entry) {
    await putEntry(entry);
    await loadOutbox();
    render();
    if (navigator.onLine) syncAll();
  }

  function newEntry(kind, fields, extra) {
    return Object.assign(
      { client_id: uuid(), user: USER, kind, fields, state: "pending", created_at: new Date().toISOString() },
      extra || {}
    );
  }

  async function recordAnswer(inspection, item, answer, note) {
    const existing = pendingFor("answer", (f) => f.inspection === inspection.id && f.item === item.id);
    if (existing && existing.state === "pending") {
      existing.fields.answer = answer;
      existing.fields.note = note;
      return save(existing);
    }
    if (existing) {
      existing.conflict.mine = Object.assign({}, existing.conflict.mine, { answer, note });
      existing.fields.answer = answer;
      existing.fields.note = note;
      return save(existing);
    }
    return save(
      newEntry("answer", {
        inspection: inspection.id,
        item: item.id,
        answer,
        note,
        base_version: item.answer ? item.answer.version : 0,
      })
    );
  }

  async function recordFollowUp(inspection, violation, result, note) {
    const existing = pendingFor("follow_up", (f) => f.inspection === inspection.id && f.violation === violation.id);
    if (existing) {
      existing.fields.result = result;
      existing.fields.note = note;
      return save(existing);
    }
    return save(
      newEntry("follow_up", {
        inspection: inspection.id,
        violation: violation.id,
        result,
        note,
        base_version: violation.version,
      })
    );
  }

  function position() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) return resolve(null);
      navigator.geolocation.getCurrentPosition(
        (p) => resolve(p),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  async function recordFinding(inspection, description, item, file) {
    const where = await position();
    const fields = {
      inspection: inspection.id,
      description,
      item,
      latitude: where ? where.coords.latitude : null,
      longitude: where ? where.coords.longitude : null,
      accuracy: where ? where.coords.accuracy : null,
      observed_at: new Date(where ? where.timestamp : Date.now()).toISOString(),
    };
    let photo = null;
    if (file) {
      // A Blob of the bytes (not the File handle), so the photo survives in IndexedDB after the page closes.
      photo = { blob: new Blob([await file.arrayBuffer()], { type: file.type }), name: file.name, client_id: uuid() };
    }
    await save(newEntry("finding", fields, { photo }));
    status(T.finding_saved);
  }

  // --- sync ---------------------------------------------------------------------------------------------

  function body(entry) {
    const form = new FormData();
    form.append("kind", entry.kind);
    form.append("client_id", entry.client_id);
    for (const [key, value] of Object.entries(entry.fields)) {
      if (key === "accuracy" || value === null || value === undefined) continue;
      form.append(key, String(value));
    }
    if (entry.photo) {
      form.append("photo", entry.photo.blob, photoName(entry.photo));
      form.append("photo_client_id", entry.photo.client_id);
    }
    return form;
  }

  function photoName(photo) {
    if (photo.name && /\.[A-Za-z0-9]+$/.test(photo.name)) return photo.name;
    const ext = { "image/png": "png", "image/webp": "webp" }[photo.blob.type] || "jpg";
    return `photo.${ext}`;
  }

  async function send(entry) {
    let response;
    try {
      response = await fetch(cfg.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": cookie(cfg.csrfCookie), Accept: "application/json", "Accept-Language": cfg.lang },
        body: body(entry),
      });
    } catch (error) {
      return "offline";
    }
    if (response.status === 401 || response.status === 403 || response.redirected) return "auth";
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = {};
    }
    if (response.ok) {
      await deleteEntry(entry.client_id); // acknowledged: only now does the phone let it go
      return "stored";
    }
    if (response.status === 409) {
      entry.state = "conflict";
      entry.conflict = answer;
      await putEntry(entry);
      return "conflict";
    }
    if (response.status >= 400 && response.status < 500) {
      entry.state = "rejected";
      entry.error = answer.detail || String(response.status);
      await putEntry(entry);
      return "rejected";
    }
    return "offline"; // a server error: keep it and try again later
  }

  async function syncAll() {
    if (syncing) return;
    syncing = true;
    app.dataset.syncing = "1";
    try {
      await loadOutbox();
      let stored = 0;
      let stop = null;
      for (const entry of outbox.filter((e) => e.state === "pending")) {
        status(T.syncing);
        const outcome = await send(entry);
        if (outcome === "stored") stored += 1;
        if (outcome === "offline" || outcome === "auth") {
          stop = outcome;
          break;
        }
      }
      await loadOutbox();
      if (stored && navigator.onLine) {
        try {
          route = await download(currentDay());
        } catch (error) {
          /* keep the saved route */
        }
      }
      render();
      if (stop === "auth") {
        status(T.sign_in);
        const link = el("a", { href: cfg.loginUrl, className: "ms-1", text: "→" });
        document.getElementById("field-status").append(link);
      } else if (stop === "offline") status(T.sync_stopped);
      else status(outbox.length ? fmt(T.pending, { count: outbox.length }) : T.all_synced);
    } finally {
      syncing = false;
      app.dataset.syncing = "0";
    }
  }

  async function keepMine(entry) {
    entry.fields.base_version = entry.conflict.current_version;
    entry.state = "pending";
    delete entry.conflict;
    await putEntry(entry);
    await loadOutbox();
    render();
    await syncAll();
  }

  async function keepTheirs(entry) {
    await deleteEntry(entry.client_id);
    await loadOutbox();
    if (navigator.onLine) {
      try {
        route = await download(currentDay());
      } catch (error) {
        /* keep the saved route */
      }
    }
    render();
    status(outbox.length ? fmt(T.pending, { count: outbox.length }) : T.all_synced);
  }

  async function sendWithoutPhoto(entry) {
    entry.photo = null;
    entry.state = "pending";
    delete entry.error;
    await putEntry(entry);
    await loadOutbox();
    render();
    await syncAll();
  }

  async function discard(entry) {
    if (!window.confirm(T.confirm_discard)) return;
    await keepTheirs(entry);
  }

  // --- start --------------------------------------------------------------------------------------------

  async function start() {
    const params = new URLSearchParams(window.location.search);
    const dayInput = document.getElementById("field-day");
    dayInput.value = params.get("day") || localDay();
    showNetwork();
    window.addEventListener("online", () => {
      showNetwork();
      syncAll();
    });
    window.addEventListener("offline", showNetwork);
    document.getElementById("field-day-form").addEventListener("submit", (event) => {
      event.preventDefault();
      openDay(currentDay());
    });
    document.getElementById("field-sync").addEventListener("click", () => syncAll());
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    await loadOutbox();
    await openDay(currentDay());
    app.dataset.loaded = "1";
    registerWorker();
  }

  start();
})();
