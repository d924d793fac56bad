/* Service worker du journal des projections (Paroles). Servi par /journal/sw.js ; portée /journal/.
   Il garde la coquille de la page et ses fichiers statiques pour un usage hors ligne. Il ne met
   JAMAIS en cache l'API (/journal/api/) : les fiches sont dans IndexedDB, gérées par journal.js. */
"use strict";
const VERSION = "{{ version }}";
const CACHE = "paroles-journal-" + VERSION;
const PRECACHE = {{ precache|safe }};
const SHELL = {{ shell|safe }};
const API = {{ api_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("paroles-journal-") && k !== CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

function refresh(request, key) {
  return fetch(request).then((response) => {
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(API)) return;

  if (url.pathname === SHELL) {
    // Réseau d'abord (la page la plus récente), sinon la coquille gardée.
    event.respondWith(
      refresh(request, SHELL).catch(() => caches.match(SHELL).then((hit) => hit || Response.error()))
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    // Cache d'abord (rapide sur un mauvais réseau), mis à jour en arrière-plan.
    event.respondWith(
      caches.match(url.pathname).then((hit) => {
        const network = refresh(request, url.pathname).catch(() => hit || Response.error());
        return hit || network;
      })
    );
  }
});
