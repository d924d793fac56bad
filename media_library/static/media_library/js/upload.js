/* Téléversement avec progression : un fichier par requête, l'un après l'autre.
   Le script est chargé dans <head> par l'administration de Wagtail, avant le formulaire : il démarre
   quand le document est lu (DOMContentLoaded), jamais avant. */
(function () {
  "use strict";
  var _ = window.gettext || function (s) { return s; };

  function init() {
  var form = document.getElementById("pl-upload");
  if (!form || form.dataset.ready) return;
  var input = document.getElementById("pl-input");
  var drop = document.getElementById("pl-drop");
  var queue = document.getElementById("pl-queue");
  var maxSize = parseInt(form.dataset.maxSize, 10);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var pending = [];
  var busy = false;

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("strong");
    name.textContent = file.name;
    var progress = document.createElement("progress");
    progress.max = 100; progress.value = 0;
    var status = document.createElement("div");
    status.className = "pl-status";
    li.appendChild(name); li.appendChild(progress); li.appendChild(status);
    queue.appendChild(li);
    return { li: li, progress: progress, status: status };
  }

  function fail(ui, message) {
    ui.progress.remove();
    ui.status.className = "pl-error";
    ui.status.textContent = message;
  }

  function next() {
    if (busy || !pending.length) return;
    busy = true;
    var item = pending.shift();
    var ui = item.ui, file = item.file;
    var data = new FormData();
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        var pct = Math.round((e.loaded / e.total) * 100);
        ui.progress.value = pct;
        ui.status.textContent = pct + " %";
        if (pct === 100) ui.status.textContent = form.dataset.msgChecking;
      }
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (body && body.ok) {
        ui.progress.value = 100;
        ui.status.className = "pl-ok";
        var f = body.file;
        ui.status.textContent = form.dataset.msgDone + " · " + f.media_type + " · " + f.size +
          (f.duration ? " · " + f.duration.toFixed(1) + " s" : "") + (f.width ? " · " + f.width + "×" + f.height : "");
      } else {
        fail(ui, (body && body.error) || _("Le serveur a refusé l'envoi (erreur %s). Réessayez.").replace("%s", xhr.status));
      }
      busy = false; next();
    };
    xhr.onerror = function () { fail(ui, form.dataset.msgNetwork); busy = false; next(); };
    xhr.send(data);
  }

  function add(files) {
    Array.prototype.forEach.call(files, function (file) {
      var ui = row(file);
      if (file.size === 0) { fail(ui, form.dataset.msgEmpty); return; }
      if (file.size > maxSize) { fail(ui, form.dataset.msgTooLarge); return; }
      pending.push({ file: file, ui: ui });
    });
    next();
  }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("is-over"); });
  });
  drop.addEventListener("drop", function (e) { add(e.dataTransfer.files); });
  drop.addEventListener("click", function (e) { if (e.target === drop) input.click(); });
  form.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
