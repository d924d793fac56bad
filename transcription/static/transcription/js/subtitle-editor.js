/* Éditeur de sous-titres (administration) : liste des répliques, temps, texte, couper/fusionner,
   décaler, « début = instant de lecture », validation en direct, clavier. Aucune dépendance.
   Chaque réplique dit qui l'a écrite (machine, personne, import, « à transcrire ») ; écrire dans une
   réplique la marque « écrite par une personne ». Les répliques « à transcrire » (passages que Whisper
   n'a pas transcrits, souvent en bambara) forment une liste de choses à faire : compte, filtre, suivante,
   avec le minutage des répliques françaises voisines à côté. */
(function () {
  "use strict";
  var root = document.getElementById("pl-editor");
  if (!root) return;
  var media = document.getElementById("pl-media");
  var list = document.getElementById("pl-cues");
  var tpl = document.getElementById("pl-cue-template");
  var preview = document.getElementById("pl-preview");
  var summary = document.getElementById("pl-summary");
  var saveState = document.getElementById("pl-save-state");
  var norms = JSON.parse(document.getElementById("pl-norms").textContent);
  var cues = JSON.parse(document.getElementById("pl-cues-data").textContent);
  var reference = JSON.parse(document.getElementById("pl-reference-data").textContent);
  var todoBox = document.getElementById("pl-todo");
  var todoCount = document.getElementById("pl-todo-count");
  var todoList = document.getElementById("pl-todo-list");
  var todoOnly = document.getElementById("pl-todo-only");
  var articles = {};
  norms.articles.forEach(function (a) { articles[a] = true; });
  var dirty = false;
  var current = 0;
  var msg = function (key, vars) {
    var s = root.dataset["msg" + key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("%(" + k + ")s", vars[k]); });
    return s;
  };

  function fmt(t) {
    if (!isFinite(t)) return "";
    var ms = Math.round(Math.max(0, t) * 1000);
    var h = Math.floor(ms / 3600000), m = Math.floor(ms / 60000) % 60, s = Math.floor(ms / 1000) % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s + "." + String(ms % 1000).padStart(3, "0");
  }
  function parse(v) {
    v = String(v).trim().replace(",", ".");
    if (/^-/.test(v)) return NaN;
    if (/^\d+(\.\d+)?$/.test(v)) return parseFloat(v);
    var m = v.match(/^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d{1,3})?)$/);
    if (!m) return NaN;
    if (parseFloat(m[3]) >= 60 || (m[1] !== undefined && parseInt(m[2], 10) >= 60)) return NaN; // « 1:99 »
    return (parseInt(m[1] || "0", 10) * 3600) + parseInt(m[2], 10) * 60 + parseFloat(m[3]);
  }
  function isArticle(w) {
    w = w.toLowerCase().replace(/^[«"“(]+/, "");
    return !!articles[w] || (norms.articles.length > 0 && /['’]$/.test(w) && w.length <= 3);
  }
  function roundHalfUp(x, digits) {
    var scale = Math.pow(10, digits);
    return Math.floor(x * scale + 0.5) / scale;
  }
  function issuesFor(i) {
    var c = cues[i], out = [];
    if (!isFinite(c.start) || !isFinite(c.end)) return [msg("Badtime")];
    if (!c.text.trim()) out.push(msg("Empty"));
    if (c.end <= c.start) { out.push(msg("Order")); return out; }
    var lines = c.text.split("\n");
    if (lines.length > norms.maxLines) out.push(msg("Lines", { n: lines.length, max: norms.maxLines }));
    lines.forEach(function (l) { if (l.length > norms.maxLine) out.push(msg("Line", { n: l.length, max: norms.maxLine })); });
    lines.slice(0, -1).forEach(function (l) {
      var words = l.trim().split(/\s+/);
      if (words.length && isArticle(words[words.length - 1])) out.push(msg("Article", { n: words[words.length - 1] }));
    });
    var d = roundHalfUp(c.end - c.start, 2), chars = c.text.replace(/\n/g, " ").trim().length;
    var cps = roundHalfUp(chars / (c.end - c.start), 1);  // comparé tel qu'affiché, comme le serveur
    if (d < roundHalfUp(norms.minDuration, 2)) out.push(msg("Short", { n: d.toFixed(2) }));
    if (d > norms.maxDuration) out.push(msg("Long", { n: d.toFixed(2) }));
    if (cps > norms.maxCps) out.push(msg("Cps", { n: cps.toFixed(1), max: norms.maxCps }));
    if (i > 0 && c.start < cues[i - 1].end - 1e-6) out.push(msg("Overlap"));
    return out;
  }

  function isTodo(c) { return c.origin === "todo" || !String(c.text || "").trim(); }
  function originLabel(c) {
    if (isTodo(c)) return c.language === "fr" ? msg("Todo") : msg("TodoOther");
    if (c.origin === "machine") return msg("Machine", { model: c.model || "?" });
    if (c.origin === "import") return msg("Import");
    return msg("Person");
  }
  function touched(c) { c.origin = String(c.text || "").trim() ? "person" : "todo"; c.model = ""; }
  /* Les répliques françaises voisines (piste française, sans les passages à transcrire) : celles qui
     recouvrent la réplique, sinon la précédente et la suivante. */
  function neighbours(c) {
    var over = [], before = null, after = null;
    reference.forEach(function (r) {
      if (r.start === c.start && r.end === c.end && r.text === c.text) return;
      if (r.end > c.start + 1e-3 && r.start < c.end - 1e-3) over.push(r);
      else if (r.end <= c.start + 1e-3) before = r;
      else if (!after && r.start >= c.end - 1e-3) after = r;
    });
    return over.length ? over : [before, after].filter(Boolean);
  }
  function refText(c) {
    return neighbours(c).map(function (r) {
      var t = r.text.replace(/\n/g, " ");
      return fmt(r.start) + " → " + fmt(r.end) + " « " + (t.length > 60 ? t.slice(0, 57) + "…" : t) + " »";
    }).join("\n");
  }
  function refreshRowOrigin(i) {
    var li = rowAt(i), c = cues[i];
    if (!li) return;
    var badge = li.querySelector(".pl-cue__origin");
    badge.textContent = originLabel(c);
    badge.className = "pl-cue__origin pl-origin pl-origin--" + (isTodo(c) ? "todo" : (c.origin || "person"));
    li.classList.toggle("is-todo", isTodo(c));
    var ref = li.querySelector(".pl-cue__ref");
    var text = isTodo(c) || root.dataset.language !== "fr" ? refText(c) : "";
    ref.hidden = !text;
    ref.querySelector(".pl-cue__ref-text").textContent = text;
  }
  function refreshTodo() {
    if (!todoBox) return;
    var items = [];
    cues.forEach(function (c, i) { if (isTodo(c)) items.push(i); });
    todoCount.textContent = items.length ? msg("TodoCount", { n: items.length }) : msg("TodoNone");
    todoCount.dataset.count = String(items.length);
    todoList.innerHTML = "";
    items.forEach(function (i) {
      var li = document.createElement("li"), b = document.createElement("button");
      b.type = "button"; b.className = "button button-small button-secondary"; b.dataset.jump = String(i);
      b.textContent = "#" + (i + 1) + " " + fmt(cues[i].start) + " → " + fmt(cues[i].end);
      li.appendChild(b); todoList.appendChild(li);
    });
    applyFilter();
  }
  function applyFilter() {
    var only = todoOnly && todoOnly.checked;
    for (var i = 0; i < cues.length; i++) {
      var li = rowAt(i);
      // Une réplique qu'on est en train d'écrire reste visible jusqu'au prochain rendu.
      if (li) li.hidden = only && !isTodo(cues[i]) && !li.classList.contains("is-current");
    }
  }
  function nextTodo() {
    for (var k = 1; k <= cues.length; k++) {
      var i = (current + k) % cues.length;
      if (isTodo(cues[i])) { focus(i); if (media) media.currentTime = cues[i].start; return; }
    }
  }

  function rowAt(i) { return list.children[i]; }
  function refreshIssues(i) {
    var li = rowAt(i);
    if (!li) return 0;
    var issues = issuesFor(i), ul = li.querySelector(".pl-cue__issues");
    ul.innerHTML = "";
    issues.forEach(function (t) { var x = document.createElement("li"); x.textContent = t; ul.appendChild(x); });
    li.classList.toggle("has-issues", issues.length > 0);
    li.querySelector(".pl-cue__num").textContent = "#" + (i + 1);
    refreshRowOrigin(i);
    return issues.length;
  }
  function refreshAll() {
    var bad = 0;
    for (var i = 0; i < cues.length; i++) if (refreshIssues(i)) bad++;
    summary.textContent = cues.length + " · " + (bad ? bad + " ⚠" : msg("Ok"));
    refreshTodo();
  }
  function markDirty() { dirty = true; saveState.textContent = msg("Unsaved"); }

  function buildRow(i) {
    var li = tpl.content.firstElementChild.cloneNode(true);
    var c = cues[i];
    li.querySelector(".pl-start").value = fmt(c.start);
    li.querySelector(".pl-end").value = fmt(c.end);
    li.querySelector(".pl-text").value = c.text;
    if (c.language) li.querySelector(".pl-text").setAttribute("lang", c.language);
    return li;
  }
  function render(focusIndex) {
    list.innerHTML = "";
    for (var i = 0; i < cues.length; i++) list.appendChild(buildRow(i));
    refreshAll();
    if (focusIndex !== undefined) focus(focusIndex);
  }
  function indexOf(el) {
    var li = el.closest(".pl-cue");
    return Array.prototype.indexOf.call(list.children, li);
  }
  function focus(i, field) {
    if (!cues.length) return;
    current = Math.max(0, Math.min(i, cues.length - 1));
    var li = rowAt(current);
    Array.prototype.forEach.call(list.children, function (x) { x.classList.remove("is-current"); });
    li.classList.add("is-current");
    li.querySelector(field || ".pl-text").focus();
  }
  function now() { return media ? media.currentTime : 0; }
  function sortCues() { cues.sort(function (a, b) { return a.start - b.start; }); }

  var actions = {
    play: function (i) { if (media) { media.currentTime = cues[i].start; media.play(); } },
    "start-now": function (i) { cues[i].start = Math.round(now() * 1000) / 1000; if (cues[i].end <= cues[i].start) cues[i].end = cues[i].start + 2; },
    "end-now": function (i) { cues[i].end = Math.round(now() * 1000) / 1000; },
    split: function (i) {
      var c = cues[i], ta = rowAt(i).querySelector(".pl-text");
      var pos = ta.selectionStart || Math.floor(c.text.length / 2);
      var a = c.text.slice(0, pos).trim(), b = c.text.slice(pos).trim();
      var ratio = c.text.length ? pos / c.text.length : 0.5;
      var mid = Math.round((c.start + (c.end - c.start) * ratio) * 1000) / 1000;
      var x = { start: c.start, end: mid, text: a, language: c.language }, y = { start: mid, end: c.end, text: b, language: c.language };
      touched(x); touched(y);
      cues.splice(i, 1, x, y);
    },
    merge: function (i) {
      if (i + 1 >= cues.length) return;
      var a = cues[i], b = cues[i + 1];
      var m = { start: a.start, end: b.end, text: (a.text.replace(/\n/g, " ") + " " + b.text.replace(/\n/g, " ")).trim(),
                language: a.language === b.language ? a.language : "" };
      touched(m);
      cues.splice(i, 2, m);
    },
    "delete": function (i) { cues.splice(i, 1); }
  };
  function act(name, i) {
    if (i < 0 || i >= cues.length || !actions[name]) return;
    actions[name](i);
    if (name !== "play") { sortCues(); markDirty(); render(Math.min(i, cues.length - 1)); }
  }

  list.addEventListener("click", function (e) {
    var btn = e.target.closest("button[data-act]");
    if (btn) act(btn.dataset.act, indexOf(btn));
  });
  list.addEventListener("focusin", function (e) {
    var i = indexOf(e.target);
    if (i >= 0 && i !== current) {
      Array.prototype.forEach.call(list.children, function (x) { x.classList.remove("is-current"); });
      rowAt(i).classList.add("is-current");
      current = i;
    }
  });
  list.addEventListener("input", function (e) {
    var i = indexOf(e.target);
    if (i < 0) return;
    if (e.target.classList.contains("pl-text")) {
      var wasTodo = isTodo(cues[i]);
      cues[i].text = e.target.value;
      touched(cues[i]);  // écrite (ou corrigée) par une personne ; vidée : de nouveau à transcrire
      if (wasTodo !== isTodo(cues[i])) refreshTodo();
    }
    if (e.target.classList.contains("pl-start")) cues[i].start = parse(e.target.value);
    if (e.target.classList.contains("pl-end")) cues[i].end = parse(e.target.value);
    markDirty();
    refreshIssues(i);
    if (i + 1 < cues.length) refreshIssues(i + 1);
  });
  list.addEventListener("change", function (e) {
    if (e.target.classList.contains("pl-start") || e.target.classList.contains("pl-end")) {
      var i = indexOf(e.target);
      if (isFinite(cues[i].start) && isFinite(cues[i].end)) { sortCues(); render(i); }
    }
  });

  document.getElementById("pl-add").addEventListener("click", function () {
    var t = Math.round(now() * 1000) / 1000;
    cues.push({ start: t, end: t + 2, text: "", origin: "todo", model: "", language: "" });
    sortCues(); markDirty();
    var i = cues.findIndex(function (c) { return c.start === t && c.text === ""; });
    render(i);
  });
  document.getElementById("pl-shift-apply").addEventListener("click", function () {
    var d = parseFloat(document.getElementById("pl-shift").value.replace(",", "."));
    if (!isFinite(d) || d === 0) return;
    if (cues.length && cues[0].start + d < 0) { alert(msg("Badtime")); return; }
    cues.forEach(function (c) { c.start = Math.round((c.start + d) * 1000) / 1000; c.end = Math.round((c.end + d) * 1000) / 1000; });
    markDirty(); render(current);
  });

  function save() {
    var bad = cues.some(function (c) { return !isFinite(c.start) || !isFinite(c.end); });
    if (bad) { saveState.textContent = msg("Error") + " " + msg("Badtime"); return; }
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]") || {};
    var token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || csrf.value || "";
    fetch(root.dataset.saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ cues: cues })
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        if (!res.ok || !res.data.ok) { saveState.textContent = msg("Error") + " " + (res.data.error || ""); return; }
        dirty = false;
        saveState.textContent = msg("Saved");
        if (res.data.cues && res.data.cues.length === cues.length) {
          // Origines revérifiées par le serveur (une réplique annoncée « machine » mais modifiée est à une personne).
          cues = res.data.cues;
          if (root.dataset.language === "fr") reference = cues.filter(function (c) { return !isTodo(c); });
          render(current);
        }
        var st = document.getElementById("pl-track-status");
        if (st) st.textContent = res.data.status_label;
      }).catch(function (err) { saveState.textContent = msg("Error") + " " + err; });
  }
  document.getElementById("pl-save").addEventListener("click", save);
  if (todoBox) {
    document.getElementById("pl-todo-next").addEventListener("click", nextTodo);
    todoList.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-jump]");
      if (b) { var i = parseInt(b.dataset.jump, 10); focus(i); if (media) media.currentTime = cues[i].start; }
    });
    todoOnly.addEventListener("change", function () { render(current); });
  }

  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); return; }
    if (!e.altKey) return;
    var k = e.key, handled = true;
    if (k === "ArrowDown") focus(current + 1);
    else if (k === "ArrowUp") focus(current - 1);
    else if (k === "ArrowLeft" && media) media.currentTime = Math.max(0, media.currentTime - 2);
    else if (k === "ArrowRight" && media) media.currentTime += 2;
    else if (e.code === "KeyK" && media) { if (media.paused) media.play(); else media.pause(); }
    else if (e.code === "KeyD") act("start-now", current);
    else if (e.code === "KeyF") act("end-now", current);
    else if (e.code === "KeyC") act("split", current);
    else if (e.code === "KeyM") act("merge", current);
    else if (e.code === "KeyP") act("play", current);
    else if (e.code === "KeyN") document.getElementById("pl-add").click();
    else if (e.code === "KeyT") nextTodo();
    else if (k === "Delete" || k === "Backspace") act("delete", current);
    else handled = false;
    if (handled) e.preventDefault();
  });

  if (media) {
    media.addEventListener("timeupdate", function () {
      var t = media.currentTime, shown = "";
      for (var i = 0; i < cues.length; i++) {
        if (cues[i].start <= t && t < cues[i].end) { shown = cues[i].text; break; }
      }
      preview.textContent = shown;
    });
  }
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = msg("ConfirmLeave"); }
  });
  render(cues.length ? 0 : undefined);
})();
