/* Shopkeeper web app: a little progressive enhancement, no dependencies. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { if (el.value) el.form.submit(); });
  });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function pretty(value) {
    var s = JSON.stringify(value, null, 1);
    return s && s.length > 2000 ? s.slice(0, 2000) + "…" : s;
  }

  function stepsBlock(form, run) {
    var box = el("details", { "class": "steps" });
    box.appendChild(el("summary", {}, form.dataset.lSteps + " (" + run.steps.length + ")"));
    if (run.plan) box.appendChild(el("pre", {}, pretty(run.plan)));
    var list = el("ol", { "class": "small" });
    run.steps.forEach(function (s) {
      var item = el("li"), d = el("details");
      d.appendChild(el("summary", {}, s.kind + " · " + s.agent + " · " + s.name + (s.ok ? "" : " ✗")));
      if (s.arguments) d.appendChild(el("pre", {}, pretty(s.arguments)));
      if (s.result) d.appendChild(el("pre", {}, pretty(s.result)));
      if (s.error) d.appendChild(el("p", { "class": "error" }, s.error));
      item.appendChild(d);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function proposalsBlock(form, proposals) {
    var box = el("div", { "class": "proposals" });
    proposals.forEach(function (a) {
      var row = el("div", { "class": "row" });
      row.appendChild(el("strong", {}, a.action));
      row.appendChild(el("code", {}, JSON.stringify(a.params)));
      row.appendChild(el("span", { "class": "status" }, a.status));
      if (a.status === "pending" && form.dataset.canApprove) {
        var f = el("form", { method: "post", action: form.dataset.approve + "/" + encodeURIComponent(a.action_id) + "/approve" });
        f.appendChild(el("input", { type: "hidden", name: "csrf", value: form.dataset.csrf }));
        f.appendChild(el("button", { type: "submit", "class": "primary" }, form.dataset.lApprove));
        row.appendChild(f);
      }
      box.appendChild(row);
    });
    return box;
  }

  function parseFrames(buffer, onEvent) {
    var parts = buffer.split("\n\n");
    var rest = parts.pop();
    parts.forEach(function (frame) {
      var event = "message", data = "";
      frame.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) event = line.slice(7);
        else if (line.indexOf("data: ") === 0) data += line.slice(6);
      });
      if (data) onEvent(event, JSON.parse(data));
    });
    return rest;
  }

  var form = document.getElementById("ask-form");
  if (form && window.fetch && window.ReadableStream) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var chat = document.getElementById("chat");
      var textarea = form.querySelector("textarea");
      var button = form.querySelector("button[type=submit]");
      var body = new FormData(form);
      chat.appendChild(el("div", { "class": "bubble q" }, textarea.value));
      var bubble = el("div", { "class": "bubble a", "aria-busy": "true" });
      var answer = el("div", { "class": "answer" }, "");
      var status = el("p", { "class": "muted small" }, form.dataset.lThinking);
      bubble.appendChild(answer);
      bubble.appendChild(status);
      chat.appendChild(bubble);
      textarea.value = "";
      button.disabled = true;
      function onEvent(event, data) {
        if (event === "start") {
          form.querySelector("input[name=conversation_id]").value = data.conversation_id;
        } else if (event === "text") {
          answer.textContent += data.text;
        } else if (event === "done") {
          status.remove();
          if (!answer.textContent) answer.textContent = data.result.answer;
          bubble.appendChild(stepsBlock(form, data.run));
          if (data.proposals.length) bubble.appendChild(proposalsBlock(form, data.proposals));
          bubble.setAttribute("data-done", "true");
          var url = new URL(window.location.href);
          url.searchParams.set("c", data.conversation_id);
          window.history.replaceState(null, "", url.toString());
        } else if (event === "error") {
          status.textContent = form.dataset.lError + data.detail;
          status.className = "error";
          bubble.setAttribute("data-done", "error");
        }
      }
      fetch(form.dataset.stream, { method: "POST", body: body, headers: { "Accept": "text/event-stream" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
          function pump() {
            return reader.read().then(function (chunk) {
              if (chunk.done) { buffer = parseFrames(buffer + "\n\n", onEvent); return; }
              buffer = parseFrames(buffer + decoder.decode(chunk.value, { stream: true }), onEvent);
              return pump();
            });
          }
          return pump();
        })
        .catch(function (err) {
          status.textContent = form.dataset.lError + err.message;
          status.className = "error";
          bubble.setAttribute("data-done", "error");
        })
        .finally(function () { button.disabled = false; bubble.removeAttribute("aria-busy"); });
    });
  }
})();
