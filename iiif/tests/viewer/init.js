// Ouvre le manifeste donné dans l'adresse (?manifest=…), panneau des annotations ouvert.
var manifest = new URLSearchParams(location.search).get("manifest");
window.miradorInstance = Mirador.viewer({
  id: "mirador",
  windows: [{ manifestId: manifest, sideBarOpen: true, defaultSideBarPanel: "annotations" }],
  window: { allowClose: false, panels: { annotations: true, info: true } },
  workspaceControlPanel: { enabled: false }
});
