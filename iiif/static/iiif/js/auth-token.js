/* IIIF Auth 2.0 — service de jeton : la page, ouverte dans un cadre par le visionneur, lui envoie le
   message (jeton ou erreur) à SON origine seulement (postMessage). Fichier statique : CSP stricte. */
(function () {
  "use strict";
  var data = document.getElementById("iiif-jeton");
  var script = document.currentScript;
  var origin = script && script.getAttribute("data-origin");
  if (!data || !origin || window.parent === window) { return; }
  window.parent.postMessage(JSON.parse(data.textContent), origin);
})();
