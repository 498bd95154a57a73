  /* Body of the chat widget; wrapped by /widget/{store}.js, which defines SK_STORE, SK_SCRIPT and SK_WORDS. */
  "use strict";
  var script = SK_SCRIPT || {};
  var data = function (name) { return (script.getAttribute && script.getAttribute("data-" + name)) || ""; };
  var base = data("base") || (script.src ? new URL(script.src, window.location.href).origin : window.location.origin);
  var key = data("key");
  var lang = data("lang") === "en" ? "en" : "zh";
  var signature = data("signature");
  var T = SK_WORDS.ui, ACTIONS = SK_WORDS.actions;  /* from the catalogue (shopkeeper.api.page_text) */
  function named(word) { word = word.replace(/^cs\./, ""); return ACTIONS[lang][word] || word.replace(/_/g, " "); }
  var CONFIRM_WORDS = ["确认", "取消", "是的", "不用了", "confirm", "cancel", "yes", "no"];
  var storage = (function () { try { return window.localStorage; } catch (e) { return null; } })();
  function remembered(name, make) {
    var k = "sk-" + SK_STORE + "-" + name, v = storage && storage.getItem(k);
    if (!v) { v = make(); if (storage) storage.setItem(k, v); }
    return v;
  }
  function rid(prefix) { return prefix + Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }
  var customerId = data("customer-id") || remembered("guest", function () { return rid("guest-"); });
  var conversationId = data("conversation-id") || remembered("conv-" + customerId, function () { return rid("w-"); });

  var link = document.createElement("link");
  link.rel = "stylesheet"; link.href = base + "/static/cs/cs-widget.css";
  document.head.appendChild(link);

  function el(tag, cls, text) {
    var e = document.createElement(tag); if (cls) e.className = cls; if (text) e.textContent = text; return e;
  }
  var root = el("div", "skw"); root.setAttribute("data-store", SK_STORE);
  var bubble = el("button", "skw-bubble"); bubble.type = "button";
  bubble.innerHTML = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var panel = el("div", "skw-panel"); panel.hidden = true;
  var head = el("div", "skw-head");
  var title = el("span", "skw-title");
  var langBtn = el("button", "skw-lang"); langBtn.type = "button";
  var close = el("button", "skw-close", "×"); close.type = "button"; close.setAttribute("aria-label", "close");
  head.appendChild(title); head.appendChild(langBtn); head.appendChild(close);
  var log = el("div", "skw-log"); log.setAttribute("aria-live", "polite");
  var form = el("form", "skw-form");
  var input = el("input", "skw-input"); input.type = "text"; input.maxLength = 4000;
  var send = el("button", "skw-send"); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(form);
  root.appendChild(panel); root.appendChild(bubble);

  function label() {
    var t = T[lang]; title.textContent = t.title; langBtn.textContent = t.lang; input.placeholder = t.placeholder;
    send.textContent = t.send; bubble.setAttribute("aria-label", t.open); bubble.title = t.open;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function line(role, text) {
    var row = el("div", "skw-msg skw-" + role); var body = el("div", "skw-text", text); row.appendChild(body);
    log.appendChild(row); scroll(); return row;
  }
  var seen = {}; var pending = null;
  function showReply(reply, row) {
    if (reply.message_id && seen[reply.message_id + (reply.from || "")]) return;
    if (reply.message_id) seen[reply.message_id + (reply.from || "")] = true;
    var human = reply.from === "human" || reply.intent === "human";
    row = row || line(human ? "human" : "bot", "");
    row.className = "skw-msg skw-" + (human ? "human" : "bot");
    row.querySelector(".skw-text").textContent = reply.reply;
    if (human) row.insertBefore(el("div", "skw-who", T[lang].human), row.firstChild);
    if (reply.sources && reply.sources.length) {
      var src = el("div", "skw-sources"); src.appendChild(el("span", "skw-src-label", T[lang].sources + ":"));
      reply.sources.forEach(function (s) { var c = el("span", "skw-src", s.title || s.ref); c.title = s.excerpt || ""; src.appendChild(c); });
      row.appendChild(src);
    }
    (reply.actions || []).forEach(function (a) {
      if (a.status !== "needs_confirmation") {
        row.appendChild(el("div", "skw-action skw-" + a.status, named(a.action) + (a.order_id ? " · " + a.order_id : "") + " · " + named(a.status)));
        return;
      }
      var box = el("div", "skw-confirm");
      box.appendChild(el("div", "skw-action", named(a.action) + (a.order_id ? " · " + a.order_id : "") + (a.reasons && a.reasons.length ? " — " + a.reasons.join("；") : "")));
      var yes = el("button", "skw-yes", T[lang].confirm), no = el("button", "skw-no", T[lang].cancel);
      yes.type = no.type = "button";
      yes.onclick = function () { box.remove(); say(lang === "zh" ? "确认" : "confirm"); };
      no.onclick = function () { box.remove(); say(lang === "zh" ? "取消" : "cancel"); };
      box.appendChild(yes); box.appendChild(no); row.appendChild(box);
    });
    var asks = (reply.actions || []).some(function (a) { return a.status === "needs_confirmation"; });
    var quick = (reply.suggestions || []).filter(function (s) { return !(asks && CONFIRM_WORDS.indexOf(s.toLowerCase()) >= 0); });
    if (quick.length) {
      var chips = el("div", "skw-chips");
      quick.forEach(function (s) {
        var b = el("button", "skw-chip", s); b.type = "button"; b.onclick = function () { chips.remove(); say(s); }; chips.appendChild(b);
      });
      row.appendChild(chips);
    }
    if (reply.handoff) line("system", T[lang].handoff);
    scroll();
  }

  function query() {
    var q = "conversation_id=" + encodeURIComponent(conversationId) + "&customer_id=" + encodeURIComponent(customerId);
    if (key) q += "&key=" + encodeURIComponent(key);
    if (signature) q += "&signature=" + encodeURIComponent(signature);
    return q;
  }
  var ws = null, wsReady = false, failures = 0, polling = null, shown = 0;
  function connect() {
    if (!window.WebSocket || failures > 2) { startPolling(); return; }
    ws = new WebSocket(base.replace(/^http/, "ws") + "/v1/stores/" + encodeURIComponent(SK_STORE) + "/cs/ws?" + query());
    ws.onmessage = function (ev) {
      var f = JSON.parse(ev.data);
      if (f.type === "ready") { wsReady = true; failures = 0; }
      else if (f.type === "delta") {
        if (!pending) pending = line("bot", "");
        var t = pending.querySelector(".skw-text"); t.textContent += f.text; scroll();
      } else if (f.type === "reply") { showReply(f, f.from === "human" ? null : pending); if (f.from !== "human") pending = null; }
      else if (f.type === "error") { if (pending) { pending.remove(); pending = null; } line("system", T[lang].error); }
    };
    ws.onclose = function () { wsReady = false; ws = null; failures += 1; setTimeout(connect, 1000 * failures); };
  }
  function startPolling() {
    if (polling) return;
    line("system", T[lang].offline);
    polling = setInterval(poll, 4000);
  }
  function poll() {
    fetch(base + "/v1/stores/" + encodeURIComponent(SK_STORE) + "/cs/conversations/" + encodeURIComponent(conversationId) + "?" + query(), { headers: headers() })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c) return;
        c.messages.slice(shown).forEach(function (m) { if (m.role === "human") showReply({ reply: m.text, from: "human", message_id: "h" + m.at }); });
        shown = c.messages.length;
      }).catch(function () {});
  }
  function history() {
    fetch(base + "/v1/stores/" + encodeURIComponent(SK_STORE) + "/cs/conversations/" + encodeURIComponent(conversationId) + "?" + query(), { headers: headers() })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; })
      .then(function (c) {
        var turns = (c && c.messages) || [];
        if (!turns.length) line("bot", T[lang].hello);
        turns.forEach(function (m) {
          if (m.role === "buyer") line("buyer", m.text);
          else if (m.role === "system") line("system", m.text);
          else showReply({ reply: m.text, from: m.role === "human" ? "human" : "", sources: m.sources || [] });
        });
        shown = turns.length;
        connect();
      });
  }
  function headers() {
    var h = { "Content-Type": "application/json" };
    if (key) h.Authorization = "Bearer " + key;
    if (signature) h["X-Shopkeeper-Customer-Signature"] = signature;
    return h;
  }
  function say(text) {
    text = (text || "").trim(); if (!text) return;
    line("buyer", text);
    var msg = { conversation_id: conversationId, customer_id: customerId, text: text, message_id: rid("m-"), lang: lang };
    if (ws && wsReady) { ws.send(JSON.stringify(msg)); return; }
    httpSend(msg, 0);
  }
  function httpSend(msg, attempt) {
    var row = line("bot", "…");
    fetch(base + "/v1/stores/" + encodeURIComponent(SK_STORE) + "/cs/messages", { method: "POST", headers: headers(), body: JSON.stringify(msg) })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (reply) { showReply(reply, row); poll(); })
      .catch(function () {
        row.remove();
        if (attempt < 2) setTimeout(function () { httpSend(msg, attempt + 1); }, 800); /* same message_id: answered once */
        else line("system", T[lang].error);
      });
  }
  form.onsubmit = function (e) { e.preventDefault(); say(input.value); input.value = ""; };
  langBtn.onclick = function () { lang = lang === "zh" ? "en" : "zh"; label(); };
  var started = false;
  function open() {
    panel.hidden = false; bubble.hidden = true; input.focus();
    if (!started) { started = true; history(); }
  }
  bubble.onclick = open;
  close.onclick = function () { panel.hidden = true; bubble.hidden = false; };
  label();
  function mount() { document.body.appendChild(root); if (data("open")) open(); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
