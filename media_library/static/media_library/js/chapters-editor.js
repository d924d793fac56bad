/* Éditeur de chapitres (administration) : frise cliquable à côté du lecteur, boutons
   « Début / Fin = instant actuel », écoute d'un chapitre, confirmation des suppressions.
   Les minutages sont écrits au format « m:ss,d » que le serveur relit et vérifie. */
(function () {
  "use strict";

  function fmt(t) {
    t = Math.max(0, t || 0);
    var whole = Math.floor(t);
    var tenths = Math.round((t - whole) * 10);
    if (tenths === 10) { whole += 1; tenths = 0; }
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var text = h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
    return tenths ? text + "," + tenths : text;
  }

  function parse(value) {
    var m = String(value || "").trim().match(/^(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d+)?)$/);
    if (!m) return null;
    var secs = parseFloat(m[3].replace(",", "."));
    if (m[2] !== undefined) return parseInt(m[1], 10) * 3600 + parseInt(m[2], 10) * 60 + secs;
    return (m[1] ? parseInt(m[1], 10) * 60 : 0) + secs;
  }

  function init() {
    var root = document.querySelector("[data-chapter-editor]");
    if (!root) return;
    var player = document.getElementById("pl-player");
    var timeline = root.querySelector("[data-timeline]");
    var head = root.querySelector("[data-playhead]");
    var clock = root.querySelector("[data-clock]");
    var duration = parseFloat(root.getAttribute("data-duration")) || 0;
    var form = root.querySelector("[data-chapter-form]");
    var stopAt = null;

    function total() { return (player && isFinite(player.duration) && player.duration) || duration || 1; }

    function place(el, start, end) {
      el.style.left = (100 * start / total()) + "%";
      el.style.width = Math.max(0.3, 100 * (end - start) / total()) + "%";
    }

    function layout() {
      Array.prototype.forEach.call(root.querySelectorAll("[data-seg]"), function (seg) {
        place(seg, parseFloat(seg.getAttribute("data-start")), parseFloat(seg.getAttribute("data-end")));
      });
      tick();
    }

    function tick() {
      var t = player ? player.currentTime || 0 : 0;
      if (head) head.style.left = (100 * t / total()) + "%";
      if (clock) clock.textContent = fmt(t);
      if (timeline) timeline.setAttribute("aria-valuenow", Math.round(t));
      if (stopAt !== null && t >= stopAt) { player.pause(); stopAt = null; }
    }

    function seek(t) {
      if (!player) return;
      player.currentTime = Math.max(0, Math.min(t, total()));
      tick();
    }

    if (player) {
      player.addEventListener("timeupdate", tick);
      player.addEventListener("seeked", tick);
      player.addEventListener("loadedmetadata", layout);
    }
    if (timeline) {
      timeline.addEventListener("click", function (ev) {
        var rect = timeline.getBoundingClientRect();
        seek(total() * (ev.clientX - rect.left) / rect.width);
      });
      timeline.addEventListener("keydown", function (ev) {
        var step = ev.shiftKey ? 10 : 1;
        if (ev.key === "ArrowRight") { seek(player.currentTime + step); ev.preventDefault(); }
        if (ev.key === "ArrowLeft") { seek(player.currentTime - step); ev.preventDefault(); }
      });
    }
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-set]"), function (button) {
        button.addEventListener("click", function () {
          var input = form.querySelector('[name="' + button.getAttribute("data-set") + '"]');
          if (input && player) input.value = fmt(player.currentTime);
        });
      });
      Array.prototype.forEach.call(form.querySelectorAll("[data-go]"), function (button) {
        button.addEventListener("click", function () {
          var input = form.querySelector('[name="' + button.getAttribute("data-go") + '"]');
          var t = input ? parse(input.value) : null;
          if (t !== null) seek(t);
        });
      });
    }
    Array.prototype.forEach.call(root.querySelectorAll("[data-chapter]"), function (li) {
      var button = li.querySelector("[data-play-chapter]");
      if (!button || !player) return;
      button.addEventListener("click", function () {
        seek(parseFloat(li.getAttribute("data-start")));
        stopAt = parseFloat(li.getAttribute("data-end"));
        var p = player.play();
        if (p && p.catch) p.catch(function () {});
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (f) {
      f.addEventListener("submit", function (ev) {
        if (!window.confirm(f.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
    layout();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
