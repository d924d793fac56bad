/* Éditeur d'exposition : le panneau « Consentement des œuvres » suit le formulaire. À chaque changement
   (œuvre choisie dans une salle, salle ajoutée ou retirée, type d'exposition), le formulaire en cours est
   envoyé à la vérification du serveur (rien n'est enregistré) et le panneau est remplacé par sa réponse. */
(function () {
  "use strict";

  function init() {
    var box = document.querySelector("[data-consent-check]");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.closest("form");
    if (!form) return;
    var timer = null, inflight = null, last = null;

    function check() {
      timer = null;
      var data = new FormData(form);
      var signature = [];
      data.forEach(function (value, key) {
        if (typeof value === "string" && (key === "kind" || /^body-/.test(key))) signature.push(key + "=" + value);
      });
      signature = signature.join("&");
      if (signature === last) return;
      last = signature;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      box.setAttribute("aria-busy", "true");
      fetch(box.dataset.url, {
        method: "POST", body: data, credentials: "same-origin", signal: inflight.signal,
        headers: { "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
      }).then(function (r) {
        // 400 : le serveur dit en français pourquoi il ne peut pas vérifier (formulaire incomplet).
        if (!r.ok && r.status !== 400) throw new Error(r.status);
        return r.text();
      }).then(function (html) {
        box.innerHTML = html;
        box.removeAttribute("aria-busy");
        box.dataset.checked = String((parseInt(box.dataset.checked || "0", 10) + 1));
      }).catch(function (e) {
        if (e.name !== "AbortError") box.removeAttribute("aria-busy");
      });
    }

    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, 400);  // on regroupe les changements rapprochés (frappe, choix)
    }

    form.addEventListener("change", later);
    form.addEventListener("input", later);
    // Les sélecteurs de Wagtail changent la valeur d'un champ caché sans événement, et les salles
    // s'ajoutent au DOM : on observe le formulaire.
    new MutationObserver(function (mutations) {
      for (var i = 0; i < mutations.length; i++) {
        var m = mutations[i];
        if (box.contains(m.target)) continue;
        if (m.type === "childList" || (m.type === "attributes" && m.target.tagName === "INPUT")) { later(); return; }
      }
    }).observe(form, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
