/* Service worker de la boîte à outils hors ligne (Paroles). Servi par /boite-a-outils/hors-ligne/sw.js ;
   portée /boite-a-outils/hors-ligne/. Il garde la coquille de la page et ses fichiers statiques. Il ne
   met JAMAIS en cache l'API ni les fichiers des œuvres : les copies gardées sont rangées par offline.js
   dans le stockage de l'application, et effacées dès que le serveur le demande. */
"use strict";
const VERSION = "{{ version }}";
const CACHE = "paroles-horsligne-coquille-" + VERSION;
const PRECACHE = {{ precache|safe }};
const SHELL = {{ shell|safe }};
const API = {{ api_prefix|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("paroles-horsligne-coquille-") && k !== CACHE).map((k) => caches.delete(k))
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
  if (url.origin !== self.location.origin || url.pathname.startsWith(API)) return;
  if (url.pathname === SHELL) {
    event.respondWith(refresh(request, SHELL).catch(() => caches.match(SHELL).then((hit) => hit || Response.error())));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => {
      const network = refresh(request, url.pathname).catch(() => hit || Response.error());
      return hit || network;
    }));
  }
});
