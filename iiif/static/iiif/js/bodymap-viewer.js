/* Paroles — body maps et photos Photo Voice en zoom profond : OpenSeadragon sur le service IIIF de l'œuvre.
   Fichier statique (CSP stricte, aucun script en ligne). Le tableau entier tient à l'ouverture ; les
   numéros des détails sont des calques (overlays) qui s'ouvrent au toucher, au clic ou au clavier ;
   OpenSeadragon gère le pincement, le glisser, la molette et les touches (flèches, + −, 0). */
(function () {
  "use strict";
  if (window.parolesBodyMapViewer) { return; }
  window.parolesBodyMapViewer = true;
  // OpenSeadragon (≈ 90 Ko compressés) n'est chargé qu'à l'approche du premier tableau : une page dont les
  // tableaux sont plus bas ne coûte rien au téléphone tant que la personne n'y descend pas.
  var me = document.currentScript;
  var osdSrc = me && me.dataset ? me.dataset.osd : null;
  var waiting = null;

  function withOSD(done) {
    if (window.OpenSeadragon || !osdSrc) { done(); return; }
    if (waiting) { waiting.push(done); return; }
    waiting = [done];
    var script = document.createElement("script");
    script.src = osdSrc;
    script.onload = function () {
      var queue = waiting;
      waiting = null;
      queue.forEach(function (fn) { fn(); });
    };
    // Script introuvable (réseau coupé un instant) : le prochain tableau qui approche le redemande.
    script.onerror = function () { waiting = null; script.remove(); };
    document.head.appendChild(script);
  }

  // Hauteur : le tableau entier à la largeur de l'écran, sans dépasser 75 % de sa hauteur. Posée dès le
  // chargement, pour que la page ne saute pas quand le visionneur démarre.
  function fitHeight(host) {
    var width = parseFloat(host.dataset.width) || 1, height = parseFloat(host.dataset.height) || 1;
    var h = host.clientWidth * height / width;
    host.style.height = Math.round(Math.max(260, Math.min(h, window.innerHeight * 0.75))) + "px";
  }

  function setup(fig) {
    var host = fig.querySelector(".bodymap-osd");
    if (!host || !window.OpenSeadragon || host.dataset.started) { return; }
    host.dataset.started = "1";
    var OSD = window.OpenSeadragon;
    var width = parseFloat(host.dataset.width) || 1, height = parseFloat(host.dataset.height) || 1;
    var tools = fig.querySelector(".bodymap-tools");
    var panel = fig.querySelector(".bodymap-open");
    var spots = Array.prototype.slice.call(fig.querySelectorAll(".bodymap-spots .hotspot"));
    fig.classList.add("js");

    fitHeight(host);

    // OpenSeadragon injecte un élément <style> (contour de focus sur mobile) s'il n'en trouve pas déjà un :
    // la CSP stricte le bloquerait. La même règle est dans exhibitions.css ; on lui dit qu'elle existe.
    var querySelector = document.querySelector;
    document.querySelector = function (selector) {
      if (selector === "style[data-openseadragon-mobile-css]") { return document.head; }
      return querySelector.call(document, selector);
    };
    var viewer;
    try { viewer = makeViewer(); } finally { document.querySelector = querySelector; }
    function makeViewer() { return OSD({
      element: host,
      tileSources: host.dataset.info,
      prefixUrl: host.dataset.images,
      showNavigationControl: false,
      showNavigator: false,
      homeFillsViewer: false,          // « vue entière » = tout le tableau visible
      visibilityRatio: 0.6,
      constrainDuringPan: true,
      minZoomImageRatio: 0.8,
      maxZoomPixelRatio: 2.5,
      immediateRender: true,           // le niveau utile d'abord, sans les niveaux flous intermédiaires (octets comptés au téléphone)
      blendTime: 0,
      crossOriginPolicy: false,
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true, scrollToZoom: true },
      gestureSettingsTouch: { clickToZoom: false, dblClickToZoom: true, pinchToZoom: true, flickEnabled: true }
    }); }
    host.parolesViewer = viewer;  // pour les tests du navigateur
    viewer.canvas.setAttribute("aria-label", host.dataset.label || "");

    function openDetail(spot) {
      var target = document.getElementById(spot.getAttribute("aria-controls"));
      Array.prototype.forEach.call(fig.querySelectorAll(".bodymap-details li"), function (li) {
        li.classList.toggle("active", li === target);
      });
      spots.forEach(function (s) { s.setAttribute("aria-expanded", s === spot ? "true" : "false"); });
      if (target && panel) {
        panel.innerHTML = "";
        var number = document.createElement("span");
        number.className = "num";
        number.textContent = spot.textContent;
        panel.appendChild(number);
        Array.prototype.forEach.call(target.childNodes, function (node) { panel.appendChild(node.cloneNode(true)); });
        panel.hidden = false;
        fig.dataset.open = spot.textContent;
        panel.focus({ preventScroll: true });
      }
    }

    viewer.addHandler("open", function () {
      var item = viewer.world.getItemAt(0);
      spots.forEach(function (spot) {
        var point = item.imageToViewportCoordinates(new OSD.Point(
          parseFloat(spot.dataset.x) / 100 * width, parseFloat(spot.dataset.y) / 100 * height));
        spot.hidden = false;
        spot.setAttribute("aria-expanded", "false");
        viewer.addOverlay({ element: spot, location: point, placement: OSD.Placement.CENTER, checkResize: false });
        // Un toucher ou un clic sur le numéro ne doit pas déplacer le tableau : l'overlay a son propre suivi.
        new OSD.MouseTracker({
          element: spot,
          clickHandler: function (ev) { ev.preventDefaultAction = true; openDetail(spot); }
        });
        spot.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); ev.stopPropagation(); openDetail(spot); }
        });
      });
      if (tools) { tools.hidden = false; }
      fig.dataset.ready = "1";
    });
    viewer.addHandler("open-failed", function () {
      // Refusé depuis l'ouverture de la page (retrait) ou introuvable : la formulation publique.
      host.classList.add("refused");
      host.textContent = host.dataset.error || "";
      fig.dataset.ready = "refused";
    });

    // « Vue entière » (bouton ou touche 0) : OpenSeadragon enchaîne goHome() et applyConstraints() ; quand les
    // images par seconde manquent (téléphone lent, machine chargée), les deux animations se mêlent et la vue
    // peut finir décalée. On revient à la vue entière seuls, et l'animation finie, la vue est posée exactement.
    var homing = false;
    function atHome() {
      var vp = viewer.viewport, b = vp.getBounds(true), h = vp.getHomeBounds(), z = vp.getHomeZoom();
      var off = Math.abs(b.getCenter().x - h.getCenter().x) + Math.abs(b.getCenter().y - h.getCenter().y);
      return off <= h.width * 0.001 && Math.abs(vp.getZoom(true) - z) <= z * 0.001;
    }
    function goHome() {
      if (atHome()) { return; }
      homing = true;
      viewer.viewport.goHome();
    }
    viewer.addHandler("animation-finish", function () {
      if (!homing) { return; }
      homing = false;
      if (!atHome()) { viewer.viewport.goHome(true); }
    });
    // Un autre geste pendant le retour l'emporte : on ne reposera pas la vue entière par-dessus.
    ["canvas-press", "canvas-scroll", "canvas-pinch", "canvas-drag"].forEach(function (name) {
      viewer.addHandler(name, function () { homing = false; });
    });
    viewer.addHandler("canvas-key", function (ev) {
      var key = ev.originalEvent || {};
      if (key.key === "0" && !key.ctrlKey && !key.altKey && !key.metaKey) {
        ev.preventDefaultAction = true;
        goHome();
      } else {
        homing = false;
      }
    });

    if (tools) {
      tools.addEventListener("click", function (ev) {
        var b = ev.target.closest("button");
        if (!b || !viewer.viewport) { return; }
        if (b.dataset.zoom === "home") { goHome(); return; }
        viewer.viewport.zoomBy(b.dataset.zoom === "in" ? 1.5 : 1 / 1.5);
        viewer.viewport.applyConstraints();
      });
    }
    window.addEventListener("resize", function () { fitHeight(host); });
  }

  function init() {
    var figs = Array.prototype.slice.call(
      document.querySelectorAll("[data-bodymap][data-iiif], [data-photovoice][data-iiif]"));
    figs.forEach(function (fig) {
      var host = fig.querySelector(".bodymap-osd");
      if (host) { fitHeight(host); }
    });
    function start(fig) { withOSD(function () { setup(fig); }); }
    if (!("IntersectionObserver" in window)) { figs.forEach(start); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { observer.unobserve(entry.target); start(entry.target); }
      });
    }, { rootMargin: "200px 0px" });
    figs.forEach(function (fig) { observer.observe(fig); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
