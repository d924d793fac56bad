/* Transcription interactive : cliquer une phrase déplace la lecture ; la phrase en cours est surlignée.
   Gère aussi ?t=SECONDES / #t=SECONDES (liens de la recherche). Aucune dépendance. */
(function () {
  "use strict";
  var box = document.querySelector("[data-transcript]");
  if (!box) return;
  var media = document.querySelector(".player video, video, audio");
  var lists = box.querySelectorAll(".pl-transcript__lines");
  function visibleList() {
    for (var i = 0; i < lists.length; i++) if (!lists[i].hidden) return lists[i];
    return lists[0];
  }
  function seek(t, play) {
    if (!media || !isFinite(t)) return;
    var go = function () { media.currentTime = t; if (play) { var p = media.play(); if (p && p.catch) p.catch(function () {}); } };
    if (media.readyState >= 1) go(); else media.addEventListener("loadedmetadata", go, { once: true });
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
    }
  });
  var last = null;
  if (media) {
    media.addEventListener("timeupdate", function () {
      var t = media.currentTime, list = visibleList(), found = null;
      var links = list.querySelectorAll("a[data-start]");
      for (var i = 0; i < links.length; i++) {
        if (parseFloat(links[i].dataset.start) <= t && t < parseFloat(links[i].dataset.end)) { found = links[i]; break; }
      }
      if (found === last) return;
      if (last) { last.parentNode.classList.remove("is-current"); last.removeAttribute("aria-current"); }
      last = found;
      if (found) {
        found.parentNode.classList.add("is-current");
        found.setAttribute("aria-current", "true");
        var top = found.parentNode.offsetTop - list.offsetTop;
        if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 40) list.scrollTop = top - 20;
      }
    });
  }
  var m = (window.location.hash.match(/t=(\d+(?:\.\d+)?)/) || window.location.search.match(/[?&]t=(\d+(?:\.\d+)?)/));
  if (m) seek(parseFloat(m[1]), false);
})();
