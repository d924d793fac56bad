/* Œuvre avec un avertissement de contenu : le lecteur est dans un <template> (rien n'est demandé au
   serveur) ; « Voir l'œuvre » le met dans la page, puis prévient les scripts des chapitres et de la
   transcription (événement « paroles:media-shown »). Chargé avant eux (defer, dans l'ordre). */
(function () {
  "use strict";

  function reveal(gate) {
    var tpl = gate.querySelector("template[data-cw-media]");
    if (!tpl) return;
    var holder = document.createElement("div");
    holder.className = "cw-media";
    holder.appendChild(document.importNode(tpl.content, true));
    gate.parentNode.replaceChild(holder, gate);
    var media = holder.querySelector("video, audio");
    if (media) media.focus();
    document.dispatchEvent(new CustomEvent("paroles:media-shown"));
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-cw-gate]"), function (gate) {
      var button = gate.querySelector("[data-cw-show]");
      if (!button) return;
      button.addEventListener("click", function (e) { e.preventDefault(); reveal(gate); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
