/* Boîte à outils hors ligne (Paroles).
 *
 * - Choisir : le serveur (api/synchroniser/) dit ce que cette personne peut prendre ; chaque fichier vient
 *   de la porte (mêmes adresses que la boîte à outils), par tranches (requêtes Range) lues au fil de l'eau
 *   (ReadableStream) : une barre par support, et une coupure ne perd que la tranche en cours (reprise).
 *   Les tranches attendent dans IndexedDB ; le fichier complet est rangé dans Cache Storage.
 * - Utiliser sans réseau : liste de ce qui est gardé, lecture plein écran, sous-titres français ou bambara
 *   (<track> depuis les WebVTT gardés), guide de discussion, fiche de séance liée à ce qui a été montré
 *   (même API et même identifiant de fiche, créé ici, que le journal des projections).
 * - Rappel : à chaque synchronisation, le téléphone dit ce qu'il garde ; il efface aussitôt ce que le
 *   serveur rappelle, montre un message neutre, puis confirme l'effacement au serveur.
 * - Délai : un support non reconfirmé depuis PAROLES_OFFLINE_MAX_DAYS jours ne se lit plus.
 * - Déconnexion : tout ce que cette application garde est effacé.
 * Textes : gettext() (catalogue JavaScript de Django, /jsi18n/). Base, réseau, service worker : la coquille
 * commune (paroles/offline/shell.js, chargé avant ce script).
 */
(function () {
  "use strict";
  const root = document.getElementById("offline-app");
  if (!root) return;
  const gettext = window.gettext || ((s) => s);
  const fmt = window.interpolate || ((s, a) => s.replace(/%s/g, () => String(a.shift())));
  const CONF = {
    chunk: parseInt(root.dataset.chunk, 10) || 512 * 1024,
    maxDays: parseInt(root.dataset.maxDays, 10) || 30,
    sw: root.dataset.sw,
    scope: root.dataset.scope,
    session: root.dataset.apiSession,
    sync: root.dataset.apiSync,
    logout: root.dataset.apiLogout,
    options: root.dataset.apiOptions,
    submit: root.dataset.apiSubmit,
    login: root.dataset.login,
    wipeCookie: root.dataset.wipeCookie,
  };
  const DB_NAME = "paroles-hors-ligne";
  const FILES_CACHE = "paroles-horsligne-fichiers";
  const DAY = 24 * 3600 * 1000;
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- IndexedDB (coquille commune : paroles/offline/shell.js)
  const shell = window.ParolesOffline;
  const database = shell.database(DB_NAME, 1, (d) => {
    d.createObjectStore("meta");
    d.createObjectStore("items", { keyPath: "id" });
    d.createObjectStore("parts");
    d.createObjectStore("logs", { keyPath: "id" });
  });
  const tx = database.tx;
  const get = (store, key) => tx(store, "readonly", (s) => s.get(key));
  const put = (store, value, key) => tx(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));
  const del = (store, key) => tx(store, "readwrite", (s) => s.delete(key));
  const all = (store) => tx(store, "readonly", (s) => s.getAll());
  const getMeta = (key) => get("meta", key);
  const setMeta = (key, value) => put("meta", value, key);

  // ---------------------------------------------------------------- état
  const state = { items: [], catalogue: [], logs: [], options: null, played: [], current: null, urls: [], busy: new Set(),
                  recalled: new Set() };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function deviceId() {
    let id = await getMeta("device");
    if (!id) { id = uuid(); await setMeta("device", id); }
    return id;
  }

  function size(bytes) {
    if (bytes == null) return "";
    const units = [gettext("o"), gettext("Ko"), gettext("Mo"), gettext("Go")];
    let n = bytes, i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
    return `${n.toFixed(i ? 1 : 0).replace(".", ",")} ${units[i]}`;
  }

  // Horloge : la plus grande heure vue ; une horloge remise en arrière ne rallonge pas le délai.
  async function clockNow() {
    const now = Date.now();
    const seen = (await getMeta("lastSeen")) || 0;
    if (now > seen) await setMeta("lastSeen", now);
    return Math.max(now, seen);
  }

  function expired(item, now) {
    return !item.confirmedAt || now - item.confirmedAt > CONF.maxDays * DAY;
  }

  function setStatus(text) { $("net-status").textContent = text; }
  function online() { return navigator.onLine !== false; }

  // ---------------------------------------------------------------- réseau
  const fetchJSON = shell.fetchJSON;

  async function session() {
    const result = await fetchJSON(CONF.session);
    return result.data || { authenticated: false };
  }

  // ---------------------------------------------------------------- téléchargement
  function partKey(fileKey, n) { return `${fileKey}#${n}`; }

  // Une copie gardée est rangée sous le chemin du fichier, sans le jeton : le serveur signe ses adresses à la
  // minute, et une synchronisation plus tardive en donne d'autres pour les mêmes fichiers. Rangée sous l'adresse
  // signée, la copie devenait introuvable (et était effacée) au moment de la montrer.
  function storedAddress(url) {
    const u = new URL(url, location.href);
    u.search = "";
    return u.href;
  }

  async function downloadFile(item, file, progress) {
    // progress(octets reçus pour ce fichier, total connu ou null)
    const rec = item.progress[file.key] || { received: 0, parts: 0, etag: null, total: file.size || null };
    item.progress[file.key] = rec;
    for (;;) {
      if (rec.total != null && rec.received >= rec.total) break;
      const headers = { Range: `bytes=${rec.received}-${rec.received + CONF.chunk - 1}` };
      if (rec.etag && rec.received > 0) headers["If-Range"] = rec.etag;
      const response = await fetch(file.url, { credentials: "same-origin", cache: "no-store", headers: headers });
      if (response.status === 403 || response.status === 404) {
        const error = new Error("refused");
        error.refused = true;
        throw error;
      }
      if (response.status !== 200 && response.status !== 206) throw new Error(`HTTP ${response.status}`);
      if (response.status === 200) {
        // Fichier entier (il a changé, ou la plage est ignorée) : on repart de zéro.
        for (let n = 0; n < rec.parts; n += 1) await del("parts", partKey(file.key, n));
        rec.received = 0; rec.parts = 0;
        rec.total = parseInt(response.headers.get("Content-Length"), 10) || null;
      } else {
        const match = /\/(\d+)$/.exec(response.headers.get("Content-Range") || "");
        if (match) rec.total = parseInt(match[1], 10);
      }
      rec.etag = response.headers.get("ETag") || rec.etag;
      const reader = response.body.getReader();
      const chunks = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.byteLength;
        progress(rec.received + got, rec.total);
      }
      if (state.recalled.has(item.id)) throw new Error("recalled");  // rappelé pendant le téléchargement
      await put("parts", new Blob(chunks), partKey(file.key, rec.parts));
      rec.parts += 1;
      rec.received += got;
      await put("items", item);
      if (response.status === 200 || got === 0) break;
    }
    const blobs = [];
    for (let n = 0; n < rec.parts; n += 1) blobs.push(await get("parts", partKey(file.key, n)));
    const blob = new Blob(blobs, { type: file.type || "application/octet-stream" });
    const cache = await caches.open(FILES_CACHE);
    if (state.recalled.has(item.id)) throw new Error("recalled");
    await cache.delete(file.url, { ignoreSearch: true });  // une copie rangée sous une adresse plus ancienne
    await cache.put(storedAddress(file.url), new Response(blob, { headers: { "Content-Type": file.type || "application/octet-stream" } }));
    for (let n = 0; n < rec.parts; n += 1) await del("parts", partKey(file.key, n));
    rec.done = true;
    await put("items", item);
  }

  async function take(description) {
    if (state.busy.has(description.id)) return;
    state.busy.add(description.id);
    state.recalled.delete(description.id);
    let item = await get("items", description.id);
    if (!item || item.version !== description.version) {
      item = { id: description.id, description: description, version: description.version, state: "partial", progress: {},
               confirmedAt: await clockNow() };
    }
    item.state = "partial";
    await put("items", item);
    await refresh();
    const total = description.files.reduce((s, f) => s + (f.size || 0), 0) || 1;
    try {
      const doneBefore = {};
      for (const file of description.files) {
        if (item.progress[file.key] && item.progress[file.key].done) { doneBefore[file.key] = file.size || 0; continue; }
        await downloadFile(item, file, (received) => {
          const sum = Object.values(doneBefore).reduce((s, v) => s + v, 0) + received;
          showProgress(description.id, Math.min(1, sum / total));
        });
        doneBefore[file.key] = file.size || 0;
      }
      item.state = "held";
      item.confirmedAt = await clockNow();
      await put("items", item);
      if (online()) sync();  // le serveur note aussitôt la copie gardée (page d'impact d'un retrait)
    } catch (error) {
      if (state.recalled.has(description.id)) { await eraseItem(description.id); return; }
      item.state = "interrupted";
      await put("items", item);
      if (error.refused) {
        await sync();
      } else if (online()) {
        setTimeout(() => take(description), 2000);  // reprise automatique, à partir de la dernière tranche reçue
      }
    } finally {
      state.busy.delete(description.id);
      await refresh();
    }
  }

  function showProgress(id, ratio) {
    const bar = document.querySelector(`[data-progress="${CSS.escape(id)}"]`);
    if (bar) { bar.hidden = false; bar.value = ratio; bar.textContent = `${Math.round(ratio * 100)} %`; }
  }

  // ---------------------------------------------------------------- effacement
  async function eraseItem(id) {
    state.recalled.add(id);
    const item = await get("items", id);
    if (state.current && state.current.id === id) closePlayer();
    if (item) {
      const cache = await caches.open(FILES_CACHE);
      for (const file of item.description.files) {
        await cache.delete(file.url, { ignoreSearch: true });
        const rec = item.progress[file.key];
        for (let n = 0; rec && n < rec.parts; n += 1) await del("parts", partKey(file.key, n));
      }
      await del("items", id);
    }
  }

  async function wipeAll() {
    closePlayer();
    await caches.delete(FILES_CACHE);
    await database.destroy();
  }

  // ---------------------------------------------------------------- synchronisation
  let syncing = null;
  let again = false;
  function sync() {
    // Une seule synchronisation à la fois ; une demande pendant qu'elle tourne en relance une après.
    if (syncing) { again = true; return syncing; }
    root.dataset.sync = "busy";
    syncing = doSync().finally(() => {
      syncing = null;
      if (again) { again = false; sync(); } else { root.dataset.sync = "idle"; }
    });
    return syncing;
  }

  async function doSync() {
    if (!online()) { setStatus(gettext("Hors ligne : vous pouvez montrer ce qui est sur ce téléphone.")); return; }
    setStatus(gettext("Synchronisation…"));
    let who;
    try { who = await session(); } catch (e) { setStatus(gettext("Hors ligne : vous pouvez montrer ce qui est sur ce téléphone.")); return; }
    if (!who.authenticated) {
      $("login-banner").hidden = false;
      setStatus(gettext("Non connecté·e : rien n'a été synchronisé."));
      return;
    }
    $("login-banner").hidden = true;
    const owner = await getMeta("owner");
    if (owner && owner !== who.user.id) await wipeAll();  // un autre compte sur ce téléphone : rien de l'ancien
    await setMeta("owner", who.user.id);
    const items = await all("items");
    const body = {
      device: await deviceId(),
      held: items.map((i) => ({ id: i.id, files: i.description.files.map((f) => f.key) })),
      deleted: (await getMeta("deleted")) || [],
    };
    let result = await fetchJSON(CONF.sync, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": who.csrf_token, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (result.status === 409) {
      await wipeAll();
      await setMeta("owner", who.user.id);
      return doSync();
    }
    if (result.status !== 200 || !result.data) {
      setStatus(gettext("La synchronisation a échoué ; elle sera retentée au retour du réseau."));
      return;
    }
    const data = result.data;
    const confirmed = await clockNow();
    await setMeta("deleted", []);
    if (data.recall.length) {
      for (const id of data.recall) await eraseItem(id);
      showNotice(data.notice);
      // Le serveur note l'effacement.
      await setMeta("deleted", data.recall);
      const ack = await fetchJSON(CONF.sync, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": who.csrf_token, Accept: "application/json" },
        body: JSON.stringify({ device: body.device, held: [], deleted: data.recall }),
      });
      if (ack.status === 200) await setMeta("deleted", []);
    }
    const catalogue = {};
    for (const d of data.items) catalogue[d.id] = d;
    for (const id of data.keep) {
      if (state.busy.has(id)) continue;  // en cours de téléchargement : c'est take() qui tient l'état
      const item = await get("items", id);
      if (!item) continue;
      item.confirmedAt = confirmed;
      const fresh = catalogue[id];
      if (fresh && fresh.version === item.version) item.description = fresh;  // titres, guide à jour
      await put("items", item);
    }
    CONF.maxDays = data.max_days || CONF.maxDays;
    await setMeta("catalogue", data.items);
    await setMeta("lastSync", confirmed);
    await loadOptions();
    await sendLogs(who.csrf_token);
    setStatus(fmt(gettext("Synchronisé le %s."), [new Date(confirmed).toLocaleString("fr-FR")]));
    await refresh();
    // Reprendre les téléchargements interrompus.
    for (const item of await all("items")) {
      if (item.state !== "held" && catalogue[item.id]) take(catalogue[item.id]);
    }
  }

  function showNotice(text) {
    const box = $("notice");
    box.textContent = text || gettext("Un support a été retiré à la demande d'une personne concernée.");
    box.hidden = false;
  }

  // ---------------------------------------------------------------- affichage
  async function refresh() {
    state.items = await all("items");
    state.catalogue = (await getMeta("catalogue")) || [];
    state.logs = await all("logs");
    const now = await clockNow();
    renderHeld(now);
    renderCatalogue();
    renderLogs();
    renderStorage();
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "dataset") Object.assign(node.dataset, v);
      else if (k in node) node[k] = v;
      else node.setAttribute(k, v);
    }
    if (text != null) node.textContent = text;
    return node;
  }

  function renderHeld(now) {
    const list = $("held-list");
    list.textContent = "";
    const held = state.items.slice().sort((a, b) => a.description.title_fr.localeCompare(b.description.title_fr));
    $("held-empty").hidden = held.length > 0;
    for (const item of held) {
      const d = item.description;
      const li = el("li", { className: `item item-${item.state}`, dataset: { id: item.id, state: item.state } });
      li.appendChild(el("h3", {}, d.title_fr));
      if (d.title_bm) li.appendChild(el("p", { lang: "bm", className: "bm" }, d.title_bm));
      const bytes = d.files.reduce((s, f) => s + (f.size || 0), 0);
      li.appendChild(el("p", { className: "hint" }, `${d.kind} · ${size(bytes)}`));
      if (item.state === "held") {
        if (expired(item, now)) {
          li.appendChild(el("p", { className: "offline-banner" }, fmt(gettext("Non confirmé depuis plus de %s jours : synchronisez pour le lire de nouveau."), [CONF.maxDays])));
        } else {
          const actions = el("p", { className: "item-actions" });
          actions.appendChild(el("button", { type: "button", className: "play", onclick: () => play(item.id) },
            d.files.length ? gettext("Montrer") : gettext("Lire le guide")));
          for (const [n, clip] of d.clips.entries()) {
            actions.appendChild(el("button", { type: "button", className: "secondary play-clip", onclick: () => play(item.id, n) },
              fmt(gettext("Extrait : %s"), [clip.title_fr])));
          }
          li.appendChild(actions);
        }
      } else {
        const received = Object.values(item.progress || {}).reduce((sum, rec) => sum + (rec.received || 0), 0);
        const bar = el("progress", { max: 1, value: bytes ? Math.min(1, received / bytes) : 0, dataset: { progress: item.id } });
        li.appendChild(bar);
        li.appendChild(el("p", { className: "hint" }, item.state === "interrupted" ? gettext("Téléchargement interrompu : il reprendra là où il s'est arrêté.") : gettext("Téléchargement en cours…")));
      }
      li.appendChild(el("button", { type: "button", className: "secondary remove", onclick: async () => { await eraseItem(item.id); const del_ = (await getMeta("deleted")) || []; del_.push(item.id); await setMeta("deleted", del_); await refresh(); sync(); } }, gettext("Retirer de ce téléphone")));
      list.appendChild(li);
    }
  }

  function renderCatalogue() {
    const list = $("catalogue-list");
    list.textContent = "";
    const heldIds = new Set(state.items.map((i) => i.id));
    const offer = state.catalogue.filter((d) => !heldIds.has(d.id));
    $("catalogue-empty").hidden = offer.length > 0;
    if (state.catalogue.length && !offer.length) $("catalogue-empty").textContent = gettext("Tout ce que vous pouvez prendre est déjà sur ce téléphone.");
    for (const d of offer) {
      const li = el("li", { className: "item", dataset: { id: d.id } });
      li.appendChild(el("h3", {}, d.title_fr));
      if (d.title_bm) li.appendChild(el("p", { lang: "bm", className: "bm" }, d.title_bm));
      const bytes = d.files.reduce((s, f) => s + (f.size || 0), 0);
      const langs = d.files.filter((f) => f.kind === "track").map((f) => f.label).join(", ");
      li.appendChild(el("p", { className: "hint" }, `${d.kind} · ${size(bytes)}` + (langs ? ` · ${fmt(gettext("sous-titres : %s"), [langs])}` : "") +
        (d.clips.length ? ` · ${fmt(gettext("%s extrait(s)"), [d.clips.length])}` : "")));
      li.appendChild(el("button", { type: "button", className: "take", onclick: () => take(d) }, gettext("Prendre pour hors ligne")));
      list.appendChild(li);
    }
  }

  async function renderStorage() {
    if (!navigator.storage || !navigator.storage.estimate) { $("storage-text").textContent = gettext("Espace inconnu sur ce navigateur."); return; }
    const { usage, quota } = await navigator.storage.estimate();
    $("storage-bar").value = quota ? usage / quota : 0;
    $("storage-text").textContent = fmt(gettext("Utilisé : %s ; encore libre : %s."), [size(usage), size(Math.max(0, (quota || 0) - (usage || 0)))]);
  }

  async function askPersist() {
    if (!navigator.storage || !navigator.storage.persist) return;
    const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    $("storage-persist").textContent = persisted
      ? gettext("Stockage protégé : le téléphone ne l'effacera pas de lui-même.")
      : gettext("Stockage non protégé : si le téléphone manque de place, il pourrait effacer ces supports.");
  }

  // ---------------------------------------------------------------- lecture
  function revokeAll() { for (const u of state.urls) URL.revokeObjectURL(u); state.urls = []; }

  async function blobUrl(url) {
    const cache = await caches.open(FILES_CACHE);
    const hit = await cache.match(url, { ignoreSearch: true });
    if (!hit) return null;
    const u = URL.createObjectURL(await hit.blob());
    state.urls.push(u);
    return u;
  }

  function closePlayer() {
    const video = $("player");
    video.pause();
    video.removeAttribute("src");
    video.textContent = "";
    video.load();
    revokeAll();
    state.current = null;
    $("player-section").hidden = true;
  }

  async function play(id, clipIndex) {
    const item = await get("items", id);
    const now = await clockNow();
    $("player-error").hidden = true;
    if (!item || item.state !== "held") return;
    if (expired(item, now)) {
      $("player-section").hidden = false;
      $("player-error").textContent = fmt(gettext("Non confirmé depuis plus de %s jours : synchronisez pour le lire de nouveau."), [CONF.maxDays]);
      $("player-error").hidden = false;
      return;
    }
    closePlayer();
    const d = item.description;
    const media = d.files.find((f) => f.kind === "video" || f.kind === "audio");
    const video = $("player");
    const src = media ? await blobUrl(media.url) : null;
    if (media && !src) { await eraseItem(id); await refresh(); return; }  // copie abîmée : on la retire
    video.hidden = !src;
    for (const track of d.files.filter((f) => f.kind === "track")) {
      const turl = await blobUrl(track.url);
      if (!turl) continue;
      video.appendChild(el("track", { kind: "subtitles", srclang: track.lang, label: track.label, src: turl }));
    }
    if (src) video.src = src;
    const clip = clipIndex != null ? d.clips[clipIndex] : null;
    state.current = { id: id, clip: clip };
    if (!state.played.find((p) => p.id === id && p.clip === (clip ? clip.title_fr : ""))) {
      state.played.push({ id: id, work: d.work, clip: clip ? clip.title_fr : "" });
    }
    $("player-title").textContent = clip ? `${d.title_fr} — ${clip.title_fr}` : d.title_fr;
    renderGuide(d);
    $("player-section").hidden = false;
    applySubtitles();
    video.onloadedmetadata = () => { if (clip) video.currentTime = clip.start; applySubtitles(); };
    video.ontimeupdate = () => { if (clip && clip.end && video.currentTime >= clip.end) video.pause(); };
    if (src) video.play().catch(() => {});
  }

  function applySubtitles() {
    const lang = $("subtitle-lang").value;
    const tracks = $("player").textTracks;
    for (let i = 0; i < tracks.length; i += 1) tracks[i].mode = tracks[i].language === lang ? "showing" : "disabled";
  }

  function renderGuide(d) {
    const box = $("guide");
    box.textContent = "";
    box.appendChild(el("h3", {}, gettext("Guide de discussion")));
    const section = (title, lines, bm) => {
      if (!lines || !lines.length) return;
      if (title) box.appendChild(el("h4", {}, title));
      const ul = el("ul", bm ? { lang: "bm", className: "bm" } : {});
      for (const line of lines) ul.appendChild(el("li", {}, line));
      box.appendChild(ul);
    };
    if (d.summary_fr) box.appendChild(el("p", {}, d.summary_fr));
    if (d.summary_bm) box.appendChild(el("p", { lang: "bm", className: "bm" }, d.summary_bm));
    section(gettext("Précautions"), d.guide.cautions);
    section(gettext("Messages clés"), d.guide.messages);
    section("", d.guide.messages_bm, true);
    section(gettext("Questions pour ouvrir"), d.guide.questions);
    section("", d.guide.questions_bm, true);
    if (d.clips.length) section(gettext("Extraits conseillés"), d.clips.map((c) => c.title_fr));
  }

  // ---------------------------------------------------------------- fiches de séance
  async function loadOptions() {
    const result = await fetchJSON(CONF.options);
    if (result.status === 200 && result.data) await setMeta("options", result.data);
  }

  function fillSelect(select, entries, value) {
    select.textContent = "";
    select.appendChild(el("option", { value: "" }, gettext("— choisir —")));
    for (const [v, label] of entries) select.appendChild(el("option", { value: String(v) }, label));
    if (value != null) select.value = String(value);
  }

  function localDateTime(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }

  async function openLog() {
    const options = await getMeta("options");
    $("log-errors").hidden = true;
    if (!options) {
      $("log-errors").textContent = gettext("Le formulaire n'est pas encore prêt sur ce téléphone : synchronisez une première fois avec du réseau.");
      $("log-errors").hidden = false;
      $("log-form").hidden = false;
      return;
    }
    fillSelect($("l-partner"), options.partners.map((p) => [p.id, p.label]), options.partners.length === 1 ? options.partners[0].id : null);
    const byId = {};
    for (const p of options.places) byId[p.id] = p;
    const label = (p) => (p.parent && byId[p.parent] ? `${p.label} — ${byId[p.parent].label}` : p.label);
    fillSelect($("l-place"), options.places.map((p) => [p.id, label(p)]));
    fillSelect($("l-venue_type"), options.venue_types.map((v) => [v.value, v.label]));
    fillSelect($("l-channel"), options.channels.filter((c) => !options.rules.broadcast_channels.includes(c.value)).map((c) => [c.value, c.label]));
    $("l-started_at").value = localDateTime(new Date());
    const box = $("log-materials");
    box.textContent = "";
    const held = state.items.filter((i) => i.state === "held");
    const played = state.played.length ? state.played : (state.current ? [{ id: state.current.id, clip: "" }] : []);
    for (const item of held) {
      const clipsPlayed = played.filter((p) => p.id === item.id);
      const checked = clipsPlayed.length > 0;
      const excerpt = clipsPlayed.map((p) => p.clip).filter(Boolean).join(" ; ");
      const input = el("input", { type: "checkbox", value: String(item.description.work), checked: checked, dataset: { excerpt: excerpt, item: item.id } });
      const labelNode = el("label", { className: "checkbox" });
      labelNode.appendChild(input);
      labelNode.appendChild(document.createTextNode(` ${item.description.title_fr}` + (excerpt ? ` (${excerpt})` : "")));
      box.appendChild(labelNode);
    }
    $("log-form").hidden = false;
    $("log-form").scrollIntoView();
  }

  async function saveLog(event) {
    event.preventDefault();
    const payload = { id: uuid(), started_at: new Date($("l-started_at").value).toISOString(), partner: $("l-partner").value,
                      place: $("l-place").value, venue_type: $("l-venue_type").value, channel: $("l-channel").value,
                      discussion_minutes: $("l-discussion_minutes").value, materials: [] };
    let total = 0;
    for (const input of document.querySelectorAll("#log-form input.count")) {
      payload[input.dataset.field] = input.value;
      if (input.classList.contains("sex-age")) total += parseInt(input.value, 10) || 0;
    }
    payload.people_total = total;
    for (const input of document.querySelectorAll("#log-materials input:checked")) {
      payload.materials.push({ work: parseInt(input.value, 10), chapter: null, excerpt: input.dataset.excerpt || "" });
    }
    const missing = ["partner", "place", "venue_type", "channel"].filter((k) => !payload[k]);
    if (missing.length || !payload.materials.length) {
      $("log-errors").textContent = payload.materials.length ? gettext("Indiquez l'organisation, le lieu, le type de lieu et le canal.") : gettext("Indiquez au moins un support montré.");
      $("log-errors").hidden = false;
      return;
    }
    await put("logs", { id: payload.id, payload: payload, state: "queued", created: Date.now() });
    $("log-form").hidden = true;
    state.played = [];
    await refresh();
    if (online()) sync();
  }

  async function sendLogs(csrf) {
    for (const log of await all("logs")) {
      if (log.state !== "queued") continue;
      let result;
      try {
        result = await fetchJSON(CONF.submit, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
          body: JSON.stringify(log.payload),
        });
      } catch (e) { return; }
      if (result.status === 200 || result.status === 201) {
        log.state = "accepted"; log.message = result.data.message;
      } else if (result.status === 401) {
        return;
      } else if (result.data && result.data.errors) {
        log.state = "refused";
        log.message = Object.values(result.data.errors).flat().join(" ");
      } else {
        return;  // erreur passagère : on réessaiera
      }
      await put("logs", log);
    }
  }

  function renderLogs() {
    const list = $("log-list");
    list.textContent = "";
    for (const log of state.logs.sort((a, b) => a.created - b.created)) {
      const labels = { queued: gettext("en attente du réseau"), accepted: gettext("reçue"), refused: gettext("refusée") };
      const li = el("li", { className: `entry entry-${log.state}`, dataset: { id: log.id, state: log.state } });
      li.appendChild(el("span", { className: `badge badge-${log.state}` }, labels[log.state] || log.state));
      li.appendChild(document.createTextNode(` ${new Date(log.payload.started_at).toLocaleString("fr-FR")}`));
      if (log.message) li.appendChild(el("p", { className: log.state === "refused" ? "entry-errors" : "hint" }, log.message));
      list.appendChild(li);
    }
  }

  // ---------------------------------------------------------------- déconnexion
  async function logout() {
    const queued = (await all("logs")).filter((l) => l.state === "queued");
    if (queued.length && !window.confirm(gettext("Des fiches de séance ne sont pas encore envoyées ; elles seront perdues. Se déconnecter quand même ?"))) return;
    let csrf = null;
    try { csrf = (await session()).csrf_token; } catch (e) { csrf = null; }
    await wipeAll();
    if (csrf) {
      await fetch(CONF.logout, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf } }).catch(() => {});
    }
    $("notice").hidden = true;
    // Rien n'est rouvert : la base de l'application reste effacée jusqu'à la prochaine connexion.
    state.items = []; state.catalogue = []; state.logs = []; state.played = [];
    renderHeld(Date.now()); renderCatalogue(); renderLogs(); renderStorage();
    setStatus(gettext("Déconnecté·e : tout ce que cette application gardait sur ce téléphone est effacé."));
    $("login-banner").hidden = false;
  }

  // ---------------------------------------------------------------- démarrage
  async function start() {
    $("sync-now").addEventListener("click", () => sync());
    $("logout").addEventListener("click", logout);
    $("close-player").addEventListener("click", closePlayer);
    $("subtitle-lang").addEventListener("change", applySubtitles);
    $("fullscreen").addEventListener("click", () => {
      const video = $("player");
      if (video.requestFullscreen) video.requestFullscreen().catch(() => {});
    });
    $("open-log").addEventListener("click", openLog);
    $("cancel-log").addEventListener("click", () => { $("log-form").hidden = true; });
    $("log-form").addEventListener("submit", saveLog);
    shell.watchNetwork({
      online: () => sync(),
      offline: () => setStatus(gettext("Hors ligne : vous pouvez montrer ce qui est sur ce téléphone.")),
    });
    shell.registerWorker(root);
    // Une déconnexion (ici ou depuis la boîte à outils) a laissé sa marque : tout effacer, même sans réseau.
    if (CONF.wipeCookie && document.cookie.split("; ").some((c) => c.startsWith(`${CONF.wipeCookie}=`))) {
      await wipeAll();
      document.cookie = `${CONF.wipeCookie}=; max-age=0; path=/; samesite=lax`;
    }
    await refresh();
    askPersist().catch(() => {});
    root.dataset.ready = "1";
    await sync();
    root.dataset.synced = "1";
  }

  start();
})();
