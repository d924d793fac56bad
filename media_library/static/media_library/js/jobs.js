/* Travaux de fond : met à jour le pourcentage et l'état des travaux en attente ou en cours, toutes
   les 2 secondes, sans recharger la page ; recharge une fois quand un travail se termine. */
(function () {
  "use strict";

  function init() {
    var root = document.querySelector("[data-jobs]");
    if (!root) return;
    var url = root.getAttribute("data-status-url");
    var finished = false;

    function active() {
      return Array.prototype.filter.call(root.querySelectorAll("[data-job-id]"), function (el) {
        var s = el.getAttribute("data-job-status");
        return s === "queued" || s === "running";
      });
    }

    function poll() {
      var rows = active();
      if (!rows.length) {
        if (finished) window.location.reload();
        return;
      }
      var ids = rows.map(function (el) { return el.getAttribute("data-job-id"); });
      fetch(url + "?ids=" + ids.join(","), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { jobs: [] }; })
        .then(function (data) {
          data.jobs.forEach(function (job) {
            var el = root.querySelector('[data-job-id="' + job.id + '"]');
            if (!el) return;
            el.setAttribute("data-job-status", job.status);
            el.className = el.className.replace(/pl-job--\w+/, "pl-job--" + job.status);
            var bar = el.querySelector(".pl-job-progress");
            if (bar) bar.value = job.progress;
            var pct = el.querySelector(".pl-job-percent");
            if (pct) pct.textContent = Math.round(job.progress) + " %";
            var status = el.querySelector(".pl-job-status");
            if (status) status.textContent = job.status_label;
            var step = el.querySelector(".pl-job-step");
            if (step) step.textContent = job.step;
            var err = el.querySelector(".pl-job-error");
            if (err && job.error) err.textContent = job.error;
            if (job.status === "done" || job.status === "failed") finished = true;
          });
        })
        .catch(function () {})
        .then(function () { window.setTimeout(poll, 2000); });
    }
    window.setTimeout(poll, 2000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
