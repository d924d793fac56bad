/* La coquille commune des applications hors ligne de Paroles (journal des projections, boîte à outils
 * hors ligne). Chargé avant le script de l'application (defer, dans l'ordre), gardé par son service worker.
 *
 * - `ParolesOffline.database(nom, version, upgrade)` : une base IndexedDB ouverte à la demande, une seule
 *   fois ; `tx(magasin, mode, fn)` se résout quand la transaction est terminée (avec le résultat de la
 *   requête que `fn` renvoie) ; `request(req)` fait d'une requête une promesse ; `destroy()` la ferme et
 *   l'efface.
 * - `ParolesOffline.fetchJSON(url, init)` : même origine, jamais le cache HTTP ; `{response, status, data,
 *   loginRequired}` (une page HTML au lieu de JSON, c'est une redirection vers la connexion).
 * - `ParolesOffline.registerWorker(root)` : inscrit le service worker de l'application (`data-sw`) sur sa
 *   portée (`data-scope`). Chaque application garde sa portée, son cache et ses données.
 * - `ParolesOffline.watchNetwork({online, offline})` : les changements du réseau.
 */
(function () {
  "use strict";

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function database(name, version, upgrade) {
    let opening = null;
    function open() {
      if (!opening) {
        opening = new Promise((resolve, reject) => {
          const req = indexedDB.open(name, version);
          req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion);
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      }
      return opening;
    }
    function tx(store, mode, fn) {
      return open().then((d) => new Promise((resolve, reject) => {
        const t = d.transaction(store, mode);
        const result = fn(t.objectStore(store));
        t.oncomplete = () => resolve(result instanceof IDBRequest ? result.result : result);
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error);
      }));
    }
    async function destroy() {
      if (opening) {
        const current = opening;
        opening = null;
        try { (await current).close(); } catch (e) { /* jamais ouverte : rien à fermer */ }
      }
      await new Promise((resolve) => {
        const req = indexedDB.deleteDatabase(name);
        req.onsuccess = req.onerror = req.onblocked = () => resolve();
      });
    }
    return { open: open, tx: tx, request: request, destroy: destroy };
  }

  async function fetchJSON(url, init) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store" }, init || {}));
    const isJSON = (response.headers.get("Content-Type") || "").includes("application/json");
    let data = null;
    if (isJSON) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    return { response: response, status: response.status, data: data, loginRequired: !isJSON || response.status === 401 };
  }

  function registerWorker(root) {
    if (!("serviceWorker" in navigator) || !root.dataset.sw) return;
    navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch(() => {});
  }

  function watchNetwork(handlers) {
    if (handlers.online) window.addEventListener("online", handlers.online);
    if (handlers.offline) window.addEventListener("offline", handlers.offline);
  }

  window.ParolesOffline = { database: database, request: request, fetchJSON: fetchJSON,
                            registerWorker: registerWorker, watchNetwork: watchNetwork };
})();
