/* Chapitres sur la page publique d'une œuvre : cliquer un chapitre place le lecteur à son début ;
   le chapitre en cours est signalé (aria-current) ; boutons « précédent / suivant ».
   Aucune dépendance, aucun script en ligne. */
(function () {
  "use strict";

  function setup(list) {
    var items = Array.prototype.slice.call(list.querySelectorAll("[data-chapter]"));
    if (!items.length) return false;
    var uuid = items[0].getAttribute("data-for");
    var player = document.querySelector('[data-paroles-player="' + uuid + '"]') ||
      document.querySelector("[data-paroles-player]");
    if (!player) return false;
    var chapters = items.map(function (li) {
      return { li: li, start: parseFloat(li.getAttribute("data-start")), end: parseFloat(li.getAttribute("data-end")) };
    });

    function currentIndex() {
      var t = player.currentTime || 0;
      var found = -1;
      chapters.forEach(function (c, i) { if (t >= c.start - 0.05 && t < c.end) found = i; });
      return found;
    }

    function mark() {
      var idx = currentIndex();
      chapters.forEach(function (c, i) {
        if (i === idx) c.li.setAttribute("aria-current", "true");
        else c.li.removeAttribute("aria-current");
      });
    }

    function jump(i) {
      if (i < 0 || i >= chapters.length) return;
      player.currentTime = chapters[i].start;
      mark();
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () {});
    }

    chapters.forEach(function (c, i) {
      var button = c.li.querySelector(".chapter-jump");
      if (button) button.addEventListener("click", function () { jump(i); });
    });
    player.addEventListener("timeupdate", mark);
    player.addEventListener("seeked", mark);

    var section = list.closest(".chapters");
    var nav = section && section.querySelector(".chapter-nav");
    if (nav) {
      nav.hidden = false;
      nav.querySelector("[data-chapter-prev]").addEventListener("click", function () {
        var idx = currentIndex();
        if (idx === -1) {
          // Entre deux chapitres : le dernier chapitre commencé.
          var t = player.currentTime || 0;
          chapters.forEach(function (c, k) { if (c.start <= t) idx = k + 1; });
        }
        jump(Math.max(0, idx - 1));
      });
      nav.querySelector("[data-chapter-next]").addEventListener("click", function () {
        var t = player.currentTime || 0;
        for (var k = 0; k < chapters.length; k++) {
          if (chapters[k].start > t + 0.05) { jump(k); return; }
        }
      });
    }
    mark();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chapter-list]"), function (list) {
      if (list.dataset.ready) return;
      if (setup(list) !== false) list.dataset.ready = "1";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  // Lecteur montré plus tard (après un avertissement de contenu) : on s'y rattache alors.
  document.addEventListener("paroles:media-shown", init);
})();
