/* Paroles — expositions : chapitres, extraits. Les body maps (zoom profond IIIF, détails numérotés)
   sont dans iiif/static/iiif/js/bodymap-viewer.js, chargé par leur bloc avec OpenSeadragon.
   Aucun script en ligne (CSP stricte). Sans JavaScript, tout reste lisible : l'image entière et la
   liste des détails. */
(function () {
  "use strict";

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
    setupSeek();
    setupClips();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
