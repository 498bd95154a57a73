/* The console's live refresh: the queue and the open conversation, every 3 s (no reload). */
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  if (!panel) return;
  var store = panel.getAttribute("data-store");
  var conv = panel.getAttribute("data-conversation");
  var lang = panel.getAttribute("data-lang") || "zh";
  function refresh() {
    var url = "/console/" + encodeURIComponent(store) + "/panel?lang=" + encodeURIComponent(lang) +
      (conv ? "&c=" + encodeURIComponent(conv) : "");
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || html === undefined) return;
      var thread = document.querySelector("#thread .messages");
      var before = thread ? thread.getAttribute("data-count") : null;
      panel.innerHTML = html;
      var after = document.querySelector("#thread .messages");
      if (after && after.getAttribute("data-count") !== before) {
        var t = document.getElementById("thread"); t.scrollTop = t.scrollHeight;
      }
    }).catch(function () { /* offline: try again next tick */ });
  }
  var t = document.getElementById("thread"); if (t) t.scrollTop = t.scrollHeight;
  setInterval(refresh, 3000);
})();
