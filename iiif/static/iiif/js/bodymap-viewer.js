/* Paroles — body maps et photos Photo Voice en zoom profond : OpenSeadragon sur le service IIIF de l'œuvre.
   Fichier statique (CSP stricte, aucun script en ligne). Le tableau entier tient à l'ouverture ; les
   numéros des détails sont des calques (overlays) qui s'ouvrent au toucher, au clic ou au clavier ;
   OpenSeadragon gère le pincement, le glisser, la molette et les touches (flèches, + −, 0). */
(function () {
  "use strict";
  if (window.parolesBodyMapViewer) { return; }
  window.parolesBodyMapViewer = true;

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

    // Hauteur : le tableau entier à la largeur de l'écran, sans dépasser 75 % de sa hauteur.
    function fitHeight() {
      var h = host.clientWidth * height / width;
      host.style.height = Math.round(Math.max(260, Math.min(h, window.innerHeight * 0.75))) + "px";
    }
    fitHeight();

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

    if (tools) {
      tools.addEventListener("click", function (ev) {
        var b = ev.target.closest("button");
        if (!b || !viewer.viewport) { return; }
        if (b.dataset.zoom === "in") { viewer.viewport.zoomBy(1.5); }
        else if (b.dataset.zoom === "out") { viewer.viewport.zoomBy(1 / 1.5); }
        else { viewer.viewport.goHome(); }
        viewer.viewport.applyConstraints();
      });
    }
    window.addEventListener("resize", function () { fitHeight(); });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-bodymap][data-iiif], [data-photovoice][data-iiif]"), setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
