/* The Data page: send the upload with progress, then poll the import job until it ends. */
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var box = document.getElementById("progress");
  var bar = document.getElementById("bar");
  var stage = document.getElementById("stage");
  var words = document.getElementById("words").dataset;

  function show(text, value, max, failed) {
    box.hidden = false;
    bar.max = max || 1;
    bar.value = value || 0;
    stage.textContent = text;
    stage.className = failed ? "small error" : "small";
    if (failed) stage.setAttribute("role", "alert");
  }

  function poll(jobId) {
    fetch(form.dataset.status + encodeURIComponent(jobId), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (job) {
        if (job.status === "running") {
          show(words.importing + ": " + job.stage, job.done, job.total);
          window.setTimeout(function () { poll(jobId); }, 500);
        } else if (job.status === "failed") {
          show(words.failed + ": " + job.error, 0, 1, true);
        } else {
          show(words.done, 1, 1);
          window.location.assign(form.dataset.done + "?job=" + encodeURIComponent(jobId) + "#quarantine");
        }
      })
      .catch(function (err) {
        if (err && /^4\d\d$/.test(err.message)) show(words.failed + " (" + err.message + ")", 0, 1, true);
        else window.setTimeout(function () { poll(jobId); }, 1000);
      });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var data = new FormData(form);
    var chosen = data.getAll("files").filter(function (f) { return f && f.name; });
    if (!chosen.length) { show(words.empty, 0, 1, true); return; }
    data.delete("files");
    chosen.forEach(function (f) { data.append("files", f, f.webkitRelativePath || f.name); });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) show(words.uploading, e.loaded, e.total);
    });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = { error: xhr.statusText }; }
      if (xhr.status === 202) poll(body.job_id);
      else show(words.failed + ": " + (body.error || body.detail || xhr.status), 0, 1, true);
    });
    xhr.addEventListener("error", function () { show(words.failed, 0, 1, true); });
    show(words.uploading, 0, 1);
    xhr.send(data);
  });
})();
