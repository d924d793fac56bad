/* Transcription interactive : un texte en paragraphes ; cliquer une phrase déplace la lecture, la phrase
   en cours est surlignée. La recherche surligne chaque occurrence (sans tenir compte des accents ni de
   la casse) et « Suivant » (ou Entrée) va à la suivante. Gère aussi ?t=SECONDES / #t=SECONDES (liens de
   la recherche du site). Aucune dépendance. */
(function () {
  "use strict";
  var _ = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (fmt, obj) {
    return fmt.replace(/%\((\w+)\)s/g, function (m, k) { return String(obj[k]); });
  };

  function init() {
  var box = document.querySelector("[data-transcript]");
  if (!box || box.dataset.ready) return;
  box.dataset.ready = "1";
  var media = null;
  var lists = box.querySelectorAll(".pl-transcript__lines");
  function visibleList() {
    for (var i = 0; i < lists.length; i++) if (!lists[i].hidden) return lists[i];
    return lists[0];
  }
  function seek(t, play) {
    if (!media || !isFinite(t)) return;
    var go = function () { media.currentTime = t; if (play) { var p = media.play(); if (p && p.catch) p.catch(function () {}); } };
    if (media.readyState >= 1) { go(); return; }
    // preload="none" (rien n'est chargé avant que la personne le demande) : chercher un passage, c'est le
    // demander ; on charge les métadonnées, puis on y va.
    media.addEventListener("loadedmetadata", go, { once: true });
    if (media.preload === "none") { media.preload = "metadata"; media.load(); }
  }
  box.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-start]");
    if (a && media) { e.preventDefault(); seek(parseFloat(a.dataset.start), true); }
    var b = e.target.closest("button[data-lang]");
    if (b) {
      Array.prototype.forEach.call(box.querySelectorAll(".pl-transcript__lines, .pl-transcript__legend"), function (l) {
        l.hidden = l.dataset.lang !== b.dataset.lang;
      });
      Array.prototype.forEach.call(box.querySelectorAll("button[data-lang]"), function (x) {
        x.classList.toggle("is-active", x === b); x.setAttribute("aria-pressed", x === b ? "true" : "false");
      });
      search(true);
    }
  });
  var last = null;
  function attach() {
    if (media) return;
    media = document.querySelector(".player video, video, audio");
    if (!media) return;
    media.addEventListener("timeupdate", function () {
      var t = media.currentTime, list = visibleList(), found = null;
      var links = list.querySelectorAll("a.pl-transcript__cue");
      for (var i = 0; i < links.length; i++) {
        if (parseFloat(links[i].dataset.start) <= t && t < parseFloat(links[i].dataset.end)) { found = links[i]; break; }
      }
      if (found === last) return;
      if (last) { last.classList.remove("is-current"); last.removeAttribute("aria-current"); }
      last = found;
      if (found) {
        found.classList.add("is-current");
        found.setAttribute("aria-current", "true");
        var top = found.offsetTop - list.offsetTop;
        if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 40) list.scrollTop = top - 20;
      }
    });
  }
  attach();
  // Lecteur montré plus tard (après un avertissement de contenu).
  document.addEventListener("paroles:media-shown", attach);

  // --- Recherche dans la page -------------------------------------------------------------------
  var form = box.querySelector("[data-transcript-search]");
  var input = form && form.querySelector("[data-q]");
  var count = form && form.querySelector("[data-count]");
  var hits = [], current = -1, lastQuery = null;
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function clearMarks() {
    Array.prototype.forEach.call(box.querySelectorAll("mark.pl-hit"), function (m) {
      var parent = m.parentNode;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    hits = []; current = -1;
  }
  function markIn(el, q) {
    // Le texte d'une réplique ; les positions trouvées sur la forme sans accents valent pour l'original
    // (la décomposition NFD puis le retrait des diacritiques garde une lettre par lettre de base).
    var text = el.textContent, folded = fold(text), from = 0, pos, parts = [];
    if (folded.length !== text.length) folded = text.toLowerCase();
    while (q && (pos = folded.indexOf(q, from)) !== -1) { parts.push([pos, pos + q.length]); from = pos + q.length; }
    if (!parts.length) return;
    el.textContent = "";
    var at = 0;
    parts.forEach(function (p) {
      if (p[0] > at) el.appendChild(document.createTextNode(text.slice(at, p[0])));
      var mark = document.createElement("mark");
      mark.className = "pl-hit";
      mark.textContent = text.slice(p[0], p[1]);
      el.appendChild(mark);
      hits.push(mark);
      at = p[1];
    });
    if (at < text.length) el.appendChild(document.createTextNode(text.slice(at)));
  }
  function search(force) {
    if (!input) return;
    var q = fold(input.value.trim());
    if (q === lastQuery && !force) return;
    lastQuery = q;
    clearMarks();
    if (q.length >= 2) {
      Array.prototype.forEach.call(visibleList().querySelectorAll("a.pl-transcript__cue"), function (a) { markIn(a, q); });
    }
    if (!q) count.textContent = "";
    else if (!hits.length) count.textContent = _("Aucun résultat");
    else count.textContent = interpolate(ngettext("%(n)s résultat", "%(n)s résultats", hits.length), { n: hits.length }, true);
  }
  function jump() {
    search(false);
    if (!hits.length) return;
    if (current >= 0) hits[current].classList.remove("is-active");
    current = (current + 1) % hits.length;
    var mark = hits[current];
    mark.classList.add("is-active");
    var list = visibleList();
    list.scrollTop = mark.offsetTop - list.offsetTop - 40;
    count.textContent = interpolate(_("%(i)s sur %(n)s"), { i: current + 1, n: hits.length }, true);
    var cue = mark.closest("a[data-start]");
    if (cue) seek(parseFloat(cue.dataset.start), false);
  }
  if (form) {
    form.hidden = false;
    input.addEventListener("input", function () { search(false); });
    form.addEventListener("submit", function (e) { e.preventDefault(); jump(); });
  }

  var m = (window.location.hash.match(/t=(\d+(?:\.\d+)?)/) || window.location.search.match(/[?&]t=(\d+(?:\.\d+)?)/));
  if (m) seek(parseFloat(m[1]), false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
