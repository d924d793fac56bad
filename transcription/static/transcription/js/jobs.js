/* Progression des transcriptions dans l'administration : interroge le serveur toutes les 3 s. */
(function () {
  "use strict";
  var table = document.querySelector(".pl-jobs[data-status-url]");
  if (!table) return;
  function activeIds() {
    return Array.prototype.map.call(table.querySelectorAll("tr[data-job]"), function (tr) {
      return tr.querySelector("form.pl-cancel") ? tr.dataset.job : null;
    }).filter(Boolean);
  }
  function tick() {
    var ids = activeIds();
    if (!ids.length) return;
    fetch(table.dataset.statusUrl + "?ids=" + ids.join(","), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var finished = false;
        data.jobs.forEach(function (job) {
          var tr = table.querySelector('tr[data-job="' + job.id + '"]');
          if (!tr) return;
          tr.querySelector("progress").value = job.progress;
          tr.querySelector(".pl-job-progress").textContent = Math.round(job.progress) + " %";
          tr.querySelector(".pl-job-status").textContent = job.status_label;
          tr.querySelector(".pl-job-message").textContent = job.message;
          if (!job.active) { var f = tr.querySelector("form.pl-cancel"); if (f) f.remove(); finished = true; }
        });
        if (finished && document.querySelector(".pl-box")) window.location.reload();
        else window.setTimeout(tick, 3000);
      })
      .catch(function () { window.setTimeout(tick, 10000); });
  }
  window.setTimeout(tick, 3000);
})();
