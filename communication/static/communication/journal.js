/* Journal des projections hors ligne (Paroles).
 *
 * - Les fiches sont gardées dans IndexedDB (base « paroles-journal ») : elles survivent à la
 *   fermeture du navigateur. Chaque fiche porte un identifiant produit ici (crypto.randomUUID).
 * - États visibles : à corriger, en attente, envoi en cours, reçue, refusée (avec la raison).
 * - Les règles de cohérence sont celles du serveur (communication/validation.py) : la page les reçoit
 *   de l'API des options, avec les messages en français. Une fiche impossible reste ici, à corriger.
 * - Envoi : au chargement, au retour du réseau, après chaque fiche, et toutes les 30 secondes. Le
 *   serveur ne compte jamais deux fois un même identifiant (idempotence), on peut donc renvoyer sans
 *   risque après une coupure.
 */
(function () {
  "use strict";

  // Textes : catalogue JavaScript de Django (/jsi18n/, chargé avant ce script et gardé hors ligne par le
  // service worker) ; sans lui, le français source s'affiche.
  const gettext = window.gettext || ((s) => s);
  const ngettext = window.ngettext || ((s, p, n) => (n === 1 ? s : p));
  const interpolate = window.interpolate || ((fmt, obj) => fmt.replace(/%\((\w+)\)s/g, (m, k) => String(obj[k])));
  const fmt = (text, values) => interpolate(text, values, true);

  const root = document.getElementById("journal");
  if (!root) return;
  const API = {
    session: root.dataset.apiSession,
    options: root.dataset.apiOptions,
    submit: root.dataset.apiSubmit,
    login: root.dataset.login,
  };
  const $ = (id) => document.getElementById(id);
  const form = $("screening-form");

  const STATE_LABELS = {
    invalid: gettext("À corriger"),
    queued: gettext("En attente d'envoi"),
    sending: gettext("Envoi en cours"),
    accepted: gettext("Reçue"),
    refused: gettext("Refusée"),
    conflict: gettext("Refusée"),
  };

  /* ------------------------------------------------------------------ IndexedDB (coquille commune) */
  const shell = window.ParolesOffline;  // paroles/offline/shell.js, chargé avant ce script
  const database = shell.database("paroles-journal", 1, (d) => {
    if (!d.objectStoreNames.contains("entries")) d.createObjectStore("entries", { keyPath: "id" });
    if (!d.objectStoreNames.contains("meta")) d.createObjectStore("meta");
  });
  const db = database.open;
  const tx = database.tx;
  const reqP = shell.request;
  const store = {
    all: () => db().then((d) => reqP(d.transaction("entries").objectStore("entries").getAll())),
    get: (id) => db().then((d) => reqP(d.transaction("entries").objectStore("entries").get(id))),
    put: (entry) => tx("entries", "readwrite", (s) => { s.put(entry); }),
    del: (id) => tx("entries", "readwrite", (s) => { s.delete(id); }),
    meta: (key) => db().then((d) => reqP(d.transaction("meta").objectStore("meta").get(key))),
    setMeta: (key, value) => tx("meta", "readwrite", (s) => { s.put(value, key); }),
  };

  /* ------------------------------------------------------------------ Options */
  let options = null;
  let session = { authenticated: false };

  function fill(select, items, placeholder) {
    select.textContent = "";
    if (placeholder !== undefined) {
      const o = document.createElement("option");
      o.value = "";
      o.textContent = placeholder;
      select.appendChild(o);
    }
    for (const item of items) {
      const o = document.createElement("option");
      o.value = item.value !== undefined ? item.value : item.id;
      o.textContent = item.label;
      select.appendChild(o);
    }
  }

  function placeChildren(parentId) {
    return options.places.filter((p) => (parentId === null ? p.parent === null : p.parent === parentId));
  }
  function placeById(id) {
    return options.places.find((p) => p.id === id);
  }

  function setupPlaceLevel(depth, parentId, selected) {
    for (let d = depth; d <= 4; d++) {
      const sel = $("f-place-" + d);
      const label = form.querySelector('label[for="f-place-' + d + '"]');
      if (d === depth) {
        const children = d === 1 ? placeChildren(null) : (parentId ? placeChildren(parentId) : []);
        fill(sel, children.map((p) => ({ id: p.id, label: p.label })), d === 1 ? gettext("— choisir —") : gettext("— (facultatif) —"));
        sel.hidden = children.length === 0;
        if (label) label.hidden = children.length === 0;
        if (selected && selected[d - 1]) sel.value = String(selected[d - 1]);
      } else {
        sel.textContent = "";
        sel.hidden = true;
        if (label) label.hidden = true;
      }
    }
    if (selected && selected[depth - 1] && depth < 4) {
      setupPlaceLevel(depth + 1, Number(selected[depth - 1]), selected);
    }
  }

  function selectedPlace() {
    for (let d = 4; d >= 1; d--) {
      const sel = $("f-place-" + d);
      if (!sel.hidden && sel.value) return Number(sel.value);
    }
    return null;
  }
  function placePath(id) {
    const path = [];
    let p = placeById(id);
    while (p) {
      path.unshift(p.id);
      p = p.parent ? placeById(p.parent) : null;
    }
    return path;
  }

  function addMaterialRow(material) {
    const row = document.createElement("div");
    row.className = "material-row";
    const n = document.querySelectorAll(".material-row").length + 1;
    const work = document.createElement("select");
    work.className = "material-work";
    work.id = "f-material-work-" + n;
    work.setAttribute("aria-label", "Support " + n);
    fill(work, options.works.map((w) => ({ id: w.id, label: w.label + " (" + w.kind + ")" })), gettext("— choisir le support —"));
    const chapter = document.createElement("select");
    chapter.className = "material-chapter";
    chapter.setAttribute("aria-label", "Chapitre du support " + n);
    chapter.hidden = true;
    const excerpt = document.createElement("input");
    excerpt.type = "text";
    excerpt.className = "material-excerpt";
    excerpt.placeholder = gettext("Extrait (facultatif), par ex. 12:30 à 18:00");
    excerpt.setAttribute("aria-label", fmt(gettext("Extrait du support %(n)s"), { n: n }));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "secondary";
    remove.textContent = "Retirer";
    remove.addEventListener("click", () => row.remove());
    work.addEventListener("change", () => {
      const w = options.works.find((x) => String(x.id) === work.value);
      const chapters = (w && w.chapters) || [];
      fill(chapter, chapters, gettext("Œuvre entière"));
      chapter.hidden = chapters.length === 0;
    });
    row.append(work, chapter, excerpt, remove);
    $("materials").appendChild(row);
    if (material) {
      work.value = String(material.work);
      work.dispatchEvent(new Event("change"));
      if (material.chapter) chapter.value = String(material.chapter);
      excerpt.value = material.excerpt || "";
    }
  }

  function renderForm() {
    if (!options) {
      form.hidden = true;
      $("no-options").hidden = false;
      return;
    }
    $("no-options").hidden = true;
    form.hidden = false;
    fill($("f-partner"), options.partners, options.partners.length === 1 ? undefined : gettext("— choisir —"));
    fill($("f-venue_type"), options.venue_types, gettext("— choisir —"));
    fill($("f-channel"), options.channels, gettext("— choisir —"));
    setupPlaceLevel(1, null, null);
    const themes = $("themes");
    themes.textContent = "";
    for (const t of options.themes) {
      const label = document.createElement("label");
      label.className = "checkbox";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = t.id;
      box.name = "themes";
      label.append(box, " " + t.label);
      themes.appendChild(label);
    }
    resetForm();
  }

  function localNow() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }

  let editingId = null;
  function resetForm() {
    form.reset();
    editingId = null;
    $("form-title").textContent = "Nouvelle fiche";
    $("cancel-edit").hidden = true;
    $("f-started_at").value = localNow();
    $("materials").textContent = "";
    addMaterialRow();
    setupPlaceLevel(1, null, null);
    toggleBroadcast();
    clearErrors();
    updateHints();
  }

  /* ------------------------------------------------------------------ Règles (mêmes qu'au serveur) */
  function msg(key, params) {
    let text = options.rules.messages[key] || key;
    for (const [k, v] of Object.entries(params || {})) text = text.split("%(" + k + ")s").join(String(v));
    return text;
  }
  function isBroadcast(channel) {
    return options.rules.broadcast_channels.includes(channel);
  }

  function validate(p) {
    const rules = options.rules;
    const errors = {};
    const add = (f, m) => { (errors[f] = errors[f] || []).push(m); };
    const countFields = rules.sex_age_fields.concat(rules.group_fields, rules.sensitive_fields, ["referrals"]);
    const counts = {};
    for (const f of countFields) {
      const v = p[f];
      if (v === null || v === undefined || v === "") { counts[f] = 0; continue; }
      if (!Number.isInteger(v)) { add(f, msg("not_integer", { field: rules.labels[f] })); continue; }
      if (v < 0) { add(f, msg("negative", { field: rules.labels[f] })); continue; }
      if (v > rules.max_count) { add(f, msg("too_large", { field: rules.labels[f], value: v })); continue; }
      counts[f] = v;
    }
    for (const f of ["people_total", "estimated_audience", "discussion_minutes"]) {
      const v = p[f];
      if (v === null || v === undefined) continue;
      if (!Number.isInteger(v)) add(f, msg("not_integer", { field: rules.labels[f] || f }));
      else if (v < 0) add(f, msg("negative", { field: rules.labels[f] || f }));
    }
    if (!p.partner) add("partner", msg("required"));
    if (!p.place) add("place", msg("required"));
    if (!p.venue_type) add("venue_type", msg("required"));
    if (!p.channel) add("channel", msg("required"));
    if (!p.materials.length) add("materials", msg("no_material"));
    if (Object.keys(errors).some((k) => countFields.includes(k) || k === "people_total" || k === "estimated_audience")) return errors;

    const sum = rules.sex_age_fields.reduce((a, f) => a + counts[f], 0);
    const total = p.people_total === null || p.people_total === undefined ? sum : p.people_total;
    const audience = p.estimated_audience;
    if (audience && audience > rules.max_audience) add("estimated_audience", msg("too_large", { field: rules.labels.estimated_audience, value: audience }));
    if (isBroadcast(p.channel)) {
      const anyCount = countFields.some((f) => counts[f]);
      if (total || anyCount) add("people_total", msg("broadcast_has_people"));
      if (!audience) add("estimated_audience", msg("broadcast_needs_audience"));
    } else {
      if (audience) add("estimated_audience", msg("audience_not_broadcast"));
      if (total !== sum) add("people_total", msg("total_mismatch", { total: total, sum: sum }));
      else if (total === 0) add("people_total", msg("nobody"));
      const groupSum = rules.group_fields.reduce((a, f) => a + counts[f], 0);
      if (total && groupSum !== total) add("other_group", msg("groups_mismatch", { sum: groupSum, total: total }));
      for (const f of rules.sensitive_fields) {
        if (counts[f] > total) add(f, msg("sensitive_over_total", { field: rules.labels[f], value: counts[f], total: total }));
      }
      if (counts.referrals > total) add("referrals", msg("referrals_over_total", { value: counts.referrals, total: total }));
    }
    if (p.discussion_minutes !== null && p.discussion_minutes !== undefined &&
        (p.discussion_minutes < 0 || p.discussion_minutes > rules.max_minutes)) add("discussion_minutes", msg("minutes"));
    if (!p.started_at) add("started_at", msg("date_missing"));
    else {
      const when = new Date(p.started_at);
      if (isNaN(when.getTime())) add("started_at", msg("date_missing"));
      else if (when.getTime() > Date.now() + rules.future_tolerance_minutes * 60000) add("started_at", msg("future"));
      else if (p.started_at.slice(0, 10) < rules.earliest_date) add("started_at", msg("too_old"));
    }
    return errors;
  }

  /* ------------------------------------------------------------------ Lecture du formulaire */
  function num(id) {
    const raw = $(id).value.trim();
    if (raw === "") return null;
    const n = Number(raw);
    return Number.isFinite(n) ? n : NaN;
  }
  function isoWithOffset(local) {
    if (!local) return null;
    const d = new Date(local);
    if (isNaN(d.getTime())) return null;
    const off = -d.getTimezoneOffset();
    const sign = off >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    return local.length === 16 ? local + ":00" + sign + pad(off / 60) + ":" + pad(off % 60)
                               : local + sign + pad(off / 60) + ":" + pad(off % 60);
  }

  function readForm() {
    const rules = options.rules;
    const p = {
      started_at: isoWithOffset($("f-started_at").value),
      partner: Number($("f-partner").value) || null,
      place: selectedPlace(),
      venue_type: $("f-venue_type").value,
      channel: $("f-channel").value,
      materials: [],
      themes: Array.from(document.querySelectorAll('#themes input:checked')).map((b) => Number(b.value)),
      quotes: $("f-quotes").value.trim(),
      referrals_note: $("f-referrals_note").value.trim(),
      follow_up_needed: $("f-follow_up_needed").checked,
      follow_up_note: $("f-follow_up_note").value.trim(),
      discussion_minutes: num("f-discussion_minutes"),
    };
    for (const row of document.querySelectorAll(".material-row")) {
      const work = Number(row.querySelector(".material-work").value);
      if (!work) continue;
      const chapter = row.querySelector(".material-chapter");
      p.materials.push({
        work: work,
        chapter: !chapter.hidden && chapter.value ? Number(chapter.value) : null,
        excerpt: row.querySelector(".material-excerpt").value.trim(),
      });
    }
    const broadcast = isBroadcast(p.channel);
    for (const f of rules.sex_age_fields.concat(rules.group_fields, rules.sensitive_fields)) {
      p[f] = broadcast ? 0 : (num("f-" + f) === null ? 0 : num("f-" + f));
    }
    p.referrals = num("f-referrals") === null ? 0 : num("f-referrals");
    p.people_total = broadcast ? 0 : num("f-people_total");
    p.estimated_audience = broadcast ? num("f-estimated_audience") : null;
    return p;
  }

  function writeForm(p) {
    $("f-started_at").value = p.started_at ? p.started_at.slice(0, 16) : "";
    $("f-partner").value = p.partner ? String(p.partner) : "";
    if (p.place && placeById(p.place)) setupPlaceLevel(1, null, placePath(p.place));
    $("f-venue_type").value = p.venue_type || "";
    $("f-channel").value = p.channel || "";
    $("materials").textContent = "";
    for (const m of p.materials || []) addMaterialRow(m);
    if (!(p.materials || []).length) addMaterialRow();
    for (const box of document.querySelectorAll("#themes input")) box.checked = (p.themes || []).includes(Number(box.value));
    const rules = options.rules;
    for (const f of rules.sex_age_fields.concat(rules.group_fields, rules.sensitive_fields, ["referrals", "people_total", "estimated_audience", "discussion_minutes"])) {
      const el = $("f-" + f);
      if (el) el.value = p[f] === null || p[f] === undefined ? "" : String(p[f]);
    }
    for (const f of ["quotes", "referrals_note", "follow_up_note"]) $("f-" + f).value = p[f] || "";
    $("f-follow_up_needed").checked = !!p.follow_up_needed;
    toggleBroadcast();
    updateHints();
  }

  function clearErrors() {
    for (const el of form.querySelectorAll(".field-error")) { el.hidden = true; el.textContent = ""; }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    $("form-errors").hidden = true;
    $("form-errors").textContent = "";
  }
  function showErrors(errors) {
    clearErrors();
    const summary = $("form-errors");
    const list = document.createElement("ul");
    for (const [field, messages] of Object.entries(errors)) {
      for (const m of messages) {
        const li = document.createElement("li");
        li.textContent = m;
        list.appendChild(li);
      }
      const slot = $("err-" + field);
      if (slot) { slot.textContent = messages.join(" "); slot.hidden = false; }
      const input = $("f-" + field);
      if (input) input.setAttribute("aria-invalid", "true");
    }
    const title = document.createElement("p");
    title.textContent = gettext("La fiche n'est pas cohérente : corrigez-la. Elle reste sur ce téléphone en attendant.");
    summary.append(title, list);
    summary.hidden = false;
    summary.focus();
  }

  function toggleBroadcast() {
    if (!options) return;
    const broadcast = isBroadcast($("f-channel").value);
    $("in-person").hidden = broadcast;
    $("broadcast").hidden = !broadcast;
  }
  function updateHints() {
    if (!options) return;
    const rules = options.rules;
    const v = (f) => { const n = Number($("f-" + f).value); return Number.isFinite(n) ? n : 0; };
    const sum = rules.sex_age_fields.reduce((a, f) => a + v(f), 0);
    const groups = rules.group_fields.reduce((a, f) => a + v(f), 0);
    $("sum-hint").textContent = fmt(gettext("Filles + garçons + femmes + hommes = %(sum)s"), { sum: sum });
    $("group-hint").textContent = fmt(gettext("Somme des groupes = %(sum)s"), { sum: groups });
  }

  /* ------------------------------------------------------------------ Liste des fiches */
  function describe(entry) {
    const p = entry.payload;
    const when = p.started_at ? p.started_at.slice(0, 16).replace("T", " ") : "?";
    const channel = options ? (options.channels.find((c) => c.value === p.channel) || {}).label : p.channel;
    const people = p.people_total || 0;
    const count = p.estimated_audience ? fmt(gettext("public estimé %(n)s"), { n: p.estimated_audience })
      : fmt(ngettext("%(n)s personne", "%(n)s personnes", people), { n: people });
    return when + " · " + (channel || "") + " · " + count;
  }

  async function renderEntries() {
    const entries = (await store.all()).sort((a, b) => (b.created || "").localeCompare(a.created || ""));
    const list = $("entry-list");
    list.textContent = "";
    $("entries-empty").hidden = entries.length > 0;
    for (const entry of entries) {
      const li = document.createElement("li");
      li.className = "entry entry-" + entry.state;
      li.dataset.id = entry.id;
      li.dataset.state = entry.state;
      const head = document.createElement("p");
      const badge = document.createElement("span");
      badge.className = "badge badge-" + entry.state;
      badge.textContent = STATE_LABELS[entry.state] || entry.state;
      head.append(badge, " " + describe(entry));
      li.appendChild(head);
      if (entry.reference) {
        const ref = document.createElement("p");
        ref.className = "entry-ref";
        ref.textContent = fmt(gettext("Référence %(ref)s"), { ref: entry.reference });
        li.appendChild(ref);
      }
      if (entry.errors && (entry.state === "refused" || entry.state === "invalid" || entry.state === "conflict")) {
        const ul = document.createElement("ul");
        ul.className = "entry-errors";
        for (const messages of Object.values(entry.errors)) {
          for (const m of messages) { const e = document.createElement("li"); e.textContent = m; ul.appendChild(e); }
        }
        li.appendChild(ul);
      }
      if (entry.note) {
        const note = document.createElement("p");
        note.className = "hint";
        note.textContent = entry.note;
        li.appendChild(note);
      }
      const actions = document.createElement("p");
      if (["refused", "invalid", "queued"].includes(entry.state)) {
        const fix = document.createElement("button");
        fix.type = "button";
        fix.className = "secondary entry-edit";
        fix.textContent = entry.state === "queued" ? "Modifier" : "Corriger";
        fix.addEventListener("click", () => editEntry(entry.id));
        actions.appendChild(fix);
      }
      if (entry.state === "conflict") {
        const again = document.createElement("button");
        again.type = "button";
        again.className = "secondary";
        again.textContent = "Envoyer comme nouvelle fiche";
        again.addEventListener("click", () => resendAsNew(entry.id));
        actions.appendChild(again);
      }
      if (entry.state !== "accepted" && entry.state !== "sending") {
        const del = document.createElement("button");
        del.type = "button";
        del.className = "secondary";
        del.textContent = "Supprimer";
        del.addEventListener("click", async () => {
          if (window.confirm(gettext("Supprimer cette fiche de ce téléphone ? Elle ne sera pas envoyée."))) {
            await store.del(entry.id);
            renderEntries();
          }
        });
        actions.appendChild(del);
      }
      if (actions.childNodes.length) li.appendChild(actions);
      list.appendChild(li);
    }
  }

  async function editEntry(id) {
    const entry = await store.get(id);
    if (!entry || !options) return;
    writeForm(entry.payload);
    editingId = id;
    $("form-title").textContent = "Corriger la fiche";
    $("cancel-edit").hidden = false;
    if (entry.errors) showErrors(entry.errors);
    form.scrollIntoView();
  }

  async function resendAsNew(id) {
    const entry = await store.get(id);
    if (!entry) return;
    await store.del(id);
    const fresh = newId();
    entry.id = fresh;
    entry.payload.id = fresh;
    entry.state = "queued";
    entry.errors = null;
    entry.note = "";
    entry.updated = new Date().toISOString();
    await store.put(entry);
    await renderEntries();
    sync();
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  async function onSubmit(event) {
    event.preventDefault();
    if (!options) return;
    const payload = readForm();
    const id = editingId || newId();
    payload.id = id;
    const errors = validate(payload);
    const now = new Date().toISOString();
    const previous = editingId ? await store.get(editingId) : null;
    const entry = {
      id: id,
      payload: payload,
      user: options.user.id,
      created: previous ? previous.created : now,
      updated: now,
      state: Object.keys(errors).length ? "invalid" : "queued",
      errors: Object.keys(errors).length ? errors : null,
      note: "",
    };
    await store.put(entry);
    if (entry.state === "invalid") {
      editingId = id;
      $("form-title").textContent = "Corriger la fiche";
      $("cancel-edit").hidden = false;
      showErrors(errors);
      await renderEntries();
      return;
    }
    resetForm();
    await renderEntries();
    setStatus(gettext("Fiche enregistrée sur le téléphone."));
    sync();
  }

  /* ------------------------------------------------------------------ Réseau */
  function setStatus(text) { $("net-status").textContent = text; }

  // Une redirection vers une page de connexion (session expirée) n'est pas du JSON : loginRequired.
  const fetchJSON = shell.fetchJSON;

  function showLogin(show, message) {
    $("login-banner").hidden = !show;
    if (message) $("login-message").textContent = message;
    $("login-link").href = API.login + "?next=" + encodeURIComponent(root.dataset.scope);
  }

  async function loadOptions() {
    options = (await store.meta("options")) || null;
    if (navigator.onLine) {
      try {
        const { response, data, loginRequired } = await fetchJSON(API.options);
        if (response.ok && data && !loginRequired) {
          options = data;
          await store.setMeta("options", data);
        } else if (loginRequired) {
          showLogin(true);
        }
      } catch (e) { /* hors ligne : on garde les listes du téléphone */ }
    }
    if (options) {
      $("who").hidden = false;
      $("who").textContent = "Fiches de " + options.user.name + (options.partners.length ? " · " + options.partners.map((p) => p.label).join(", ") : "");
    }
    renderForm();
  }

  let syncing = false;
  async function sync() {
    if (syncing) return;
    if (!navigator.onLine) {
      setStatus(gettext("Hors ligne : les fiches partiront au retour du réseau."));
      return;
    }
    syncing = true;
    try {
      const entries = (await store.all()).filter((e) => e.state === "queued" || e.state === "sending");
      if (!entries.length) { setStatus(gettext("En ligne. Toutes les fiches sont envoyées.")); return; }
      let s;
      try {
        s = await fetchJSON(API.session);
      } catch (e) {
        setStatus(gettext("Réseau indisponible : nouvel essai bientôt."));
        return;
      }
      if (!s.data || !s.data.authenticated) {
        showLogin(true, "Connectez-vous pour envoyer vos " + entries.length + " fiche(s) en attente.");
        setStatus(gettext("Connexion nécessaire pour envoyer."));
        return;
      }
      showLogin(false);
      session = s.data;
      for (const entry of entries) {
        if (options && entry.user && entry.user !== session.user.id) {
          entry.note = gettext("Fiche d'un autre compte : elle partira quand ce compte sera connecté.");
          await store.put(entry);
          continue;
        }
        entry.state = "sending";
        await store.put(entry);
        await renderEntries();
        let result;
        try {
          result = await fetchJSON(API.submit, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": session.csrf_token, "Accept": "application/json" },
            body: JSON.stringify(entry.payload),
          });
        } catch (e) {
          entry.state = "queued";
          await store.put(entry);
          setStatus(gettext("Réseau coupé pendant l'envoi : nouvel essai bientôt."));
          break;
        }
        const status = result.response.status;
        if (result.loginRequired || status === 403 && !result.data) {
          entry.state = "queued";
          await store.put(entry);
          showLogin(true, "Connectez-vous pour envoyer vos fiches en attente.");
          break;
        }
        if (status === 200 || status === 201) {
          entry.state = "accepted";
          entry.reference = result.data.reference;
          entry.errors = null;
          entry.note = result.data.message || "";
        } else if (status === 409) {
          entry.state = "conflict";
          entry.errors = result.data.errors;
        } else if (status >= 400 && status < 500) {
          entry.state = "refused";
          entry.errors = (result.data && result.data.errors) || { __all__: [fmt(gettext("Refusée par le serveur (%(status)s)."), { status: status })] };
        } else {
          entry.state = "queued";
          entry.note = fmt(gettext("Le serveur n'a pas répondu correctement (%(status)s) : nouvel essai bientôt."), { status: status });
          await store.put(entry);
          break;
        }
        entry.updated = new Date().toISOString();
        await store.put(entry);
      }
      const left = (await store.all()).filter((e) => e.state === "queued").length;
      setStatus(left ? fmt(ngettext("%(n)s fiche en attente d'envoi.", "%(n)s fiches en attente d'envoi.", left), { n: left })
        : gettext("En ligne. Toutes les fiches sont envoyées."));
    } finally {
      syncing = false;
      await renderEntries();
    }
  }

  /* ------------------------------------------------------------------ Démarrage */
  form.addEventListener("submit", onSubmit);
  form.addEventListener("input", updateHints);
  $("f-channel").addEventListener("change", toggleBroadcast);
  $("add-material").addEventListener("click", () => addMaterialRow());
  $("cancel-edit").addEventListener("click", () => resetForm());
  for (let d = 1; d < 4; d++) {
    $("f-place-" + d).addEventListener("change", (e) => {
      const value = Number(e.target.value) || null;
      setupPlaceLevel(d + 1, value, null);
    });
  }
  $("sync-now").addEventListener("click", () => sync());
  $("clear-accepted").addEventListener("click", async () => {
    for (const e of await store.all()) if (e.state === "accepted") await store.del(e.id);
    renderEntries();
  });
  shell.watchNetwork({
    online: () => { setStatus(gettext("Réseau revenu : envoi…")); loadOptions().then(sync); },
    offline: () => setStatus(gettext("Hors ligne : les fiches restent sur ce téléphone.")),
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) sync(); });

  shell.registerWorker(root);

  (async function start() {
    // Une fiche restée « envoi en cours » (page fermée pendant l'envoi) repart : le serveur ne la
    // comptera pas deux fois.
    for (const e of await store.all()) if (e.state === "sending") { e.state = "queued"; await store.put(e); }
    await loadOptions();
    await renderEntries();
    root.dataset.ready = "1";
    await sync();
    setInterval(sync, 30000);
  })();
})();
