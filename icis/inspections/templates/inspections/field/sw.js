{% load static %}/* ICIS field work offline: keeps the page shell so that it opens without network.
   Data (the route, the outbox) is kept by the page in IndexedDB, not here. */
"use strict";
const CACHE = "icis-field-v1";
const SCOPE = "{{ scope|escapejs }}";
const SHELL = [
  SCOPE,
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'icis/icis.css' %}",
  "{% static 'inspections/field/field.css' %}",
  "{% static 'inspections/field/app.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("icis-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(key, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SCOPE) {
    event.respondWith(networkFirst(request, SCOPE));
  } else if (SHELL.includes(url.pathname)) {
    // Static files: the newest one when online (a deploy changes them), the kept one offline.
    event.respondWith(networkFirst(request, url.pathname));
  }
});
