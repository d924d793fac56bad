/* Service worker de « {{ app_name }} » (Paroles), la coquille commune des applications hors ligne
   (paroles/offline.py). Servi par {{ sw_url }} ; portée {{ scope }}. Il garde la coquille de la page et
   ses fichiers statiques. Il ne met JAMAIS en cache l'API ({{ scope }}api/) : les données de l'application
   sont rangées par son script (IndexedDB, stockage de l'application), qui les efface quand il le faut. */
"use strict";
const VERSION = "{{ version }}";
const PREFIX = {{ cache_prefix|safe }};
const CACHE = PREFIX + VERSION;
const PRECACHE = {{ precache|safe }};
const SHELL = {{ shell|safe }};
const API = {{ api_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // Seuls les anciens caches de CETTE coquille partent : l'autre application garde les siens.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
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
  if (url.origin !== self.location.origin || url.pathname.startsWith(API)) return;
  if (url.pathname === SHELL) {
    // Réseau d'abord (la page la plus récente), sinon la coquille gardée.
    event.respondWith(refresh(request, SHELL).catch(() => caches.match(SHELL).then((hit) => hit || Response.error())));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    // Cache d'abord (rapide sur un mauvais réseau), mis à jour en arrière-plan.
    event.respondWith(caches.match(url.pathname).then((hit) => {
      const network = refresh(request, url.pathname).catch(() => hit || Response.error());
      return hit || network;
    }));
  }
});
