/* IIIF Auth 2.0 — fenêtre du service d'accès ou de sortie : ouverte par le visionneur, elle se ferme
   d'elle-même une fois la connexion (ou la déconnexion) faite ; le visionneur demande alors un jeton. */
(function () {
  "use strict";
  if (window.opener) { window.close(); }
})();
