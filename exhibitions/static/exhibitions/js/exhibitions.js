/* Paroles — expositions : body maps (agrandir, déplacer, détails numérotés), chapitres, extraits.
   Aucun script en ligne : ce fichier est le seul script des pages publiques (CSP stricte).
   Sans JavaScript, tout reste lisible : l'image entière et la liste des détails. */
(function () {
  "use strict";

  function clamp(v, lo, hi) { return Math.min(hi, Math.max(lo, v)); }

  function setupBodyMap(fig) {
    var viewport = fig.querySelector(".bodymap-viewport");
    var stage = fig.querySelector(".bodymap-stage");
    var img = stage && stage.querySelector("img");
    var tools = fig.querySelector(".bodymap-tools");
    if (!viewport || !stage || !img) { return; }
    fig.classList.add("js");
    if (tools) { tools.hidden = false; }
    var state = { scale: 1, x: 0, y: 0 };
    var upgraded = false;

    // Les repères sont placés par le script (pas d'attribut style= : CSP stricte).
    Array.prototype.forEach.call(stage.querySelectorAll(".hotspot"), function (spot) {
      spot.hidden = false;
      spot.style.left = parseFloat(spot.dataset.x) + "%";
      spot.style.top = parseFloat(spot.dataset.y) + "%";
      spot.addEventListener("click", function () {
        var target = document.getElementById(spot.getAttribute("aria-controls"));
        Array.prototype.forEach.call(fig.querySelectorAll(".bodymap-details li"), function (li) { li.classList.remove("active"); });
        if (target) { target.classList.add("active"); target.focus(); }
      });
    });

    function apply() {
      var w = viewport.clientWidth, h = viewport.clientHeight;
      var maxX = (state.scale - 1) * w, maxY = (state.scale - 1) * h;
      state.x = clamp(state.x, -maxX, 0);
      state.y = clamp(state.y, -maxY, 0);
      stage.style.transform = "translate(" + state.x + "px," + state.y + "px) scale(" + state.scale + ")";
      fig.dataset.scale = state.scale.toFixed(2);
      viewport.classList.toggle("zoomed", state.scale > 1);
      if (state.scale > 1.5 && !upgraded && img.dataset.large) {
        upgraded = true;
        img.src = img.dataset.large; // grande version seulement quand on agrandit vraiment
      }
    }
    function zoom(factor, cx, cy) {
      var old = state.scale;
      var next = clamp(old * factor, 1, 6);
      if (cx === undefined) { cx = viewport.clientWidth / 2; cy = viewport.clientHeight / 2; }
      state.x = cx - (cx - state.x) * (next / old);
      state.y = cy - (cy - state.y) * (next / old);
      state.scale = next;
      apply();
    }
    function reset() { state = { scale: 1, x: 0, y: 0 }; apply(); }

    if (tools) {
      tools.addEventListener("click", function (ev) {
        var b = ev.target.closest("button");
        if (!b) { return; }
        if (b.dataset.zoom === "in") { zoom(1.5); }
        else if (b.dataset.zoom === "out") { zoom(1 / 1.5); }
        else { reset(); }
      });
    }
    viewport.addEventListener("keydown", function (ev) {
      var step = 60;
      switch (ev.key) {
        case "+": case "=": zoom(1.5); break;
        case "-": case "_": zoom(1 / 1.5); break;
        case "0": reset(); break;
        case "ArrowLeft": state.x += step; apply(); break;
        case "ArrowRight": state.x -= step; apply(); break;
        case "ArrowUp": state.y += step; apply(); break;
        case "ArrowDown": state.y -= step; apply(); break;
        default: return;
      }
      ev.preventDefault();
    });
    viewport.addEventListener("wheel", function (ev) {
      if (!ev.ctrlKey && state.scale === 1 && ev.deltaY > 0) { return; }
      ev.preventDefault();
      var r = viewport.getBoundingClientRect();
      zoom(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX - r.left, ev.clientY - r.top);
    }, { passive: false });

    // Glisser (souris, doigt) et pincer (deux doigts).
    var pointers = {}, last = null, pinch = null;
    viewport.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest(".hotspot")) { return; }
      pointers[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
      viewport.setPointerCapture(ev.pointerId);
      last = { x: ev.clientX, y: ev.clientY };
    });
    viewport.addEventListener("pointermove", function (ev) {
      if (!pointers[ev.pointerId]) { return; }
      pointers[ev.pointerId] = { x: ev.clientX, y: ev.clientY };
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var d = Math.hypot(a.x - b.x, a.y - b.y);
        if (pinch) {
          var r = viewport.getBoundingClientRect();
          zoom(d / pinch, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
        }
        pinch = d;
        return;
      }
      if (last && state.scale > 1) {
        state.x += ev.clientX - last.x;
        state.y += ev.clientY - last.y;
        apply();
      }
      last = { x: ev.clientX, y: ev.clientY };
    });
    function up(ev) { delete pointers[ev.pointerId]; pinch = null; last = null; }
    viewport.addEventListener("pointerup", up);
    viewport.addEventListener("pointercancel", up);
    viewport.addEventListener("dblclick", function (ev) {
      var r = viewport.getBoundingClientRect();
      if (state.scale > 1) { reset(); } else { zoom(2.5, ev.clientX - r.left, ev.clientY - r.top); }
    });
    apply();
  }

  function setupSeek() {
    document.addEventListener("click", function (ev) {
      var b = ev.target.closest("button.seek");
      if (!b) { return; }
      var media = document.getElementById(b.dataset.target);
      if (!media) { return; }
      media.currentTime = parseFloat(b.dataset.seek) || 0;
      var p = media.play();
      if (p && p.catch) { p.catch(function () {}); }
      media.focus();
    });
  }

  function setupClips() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-clip-end]"), function (media) {
      var start = parseFloat(media.dataset.clipStart) || 0;
      var end = parseFloat(media.dataset.clipEnd);
      media.addEventListener("loadedmetadata", function () {
        if (media.currentTime < start) { media.currentTime = start; }
      });
      media.addEventListener("timeupdate", function () {
        if (end && media.currentTime >= end) { media.pause(); }
      });
      media.addEventListener("play", function () {
        if (end && media.currentTime >= end - 0.05) { media.currentTime = start; }
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-bodymap]"), setupBodyMap);
    setupSeek();
    setupClips();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
