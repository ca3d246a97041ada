/* casewatch survey form: skip logic, answers kept on the device, an offline queue sent when the
   connection returns. No framework; ES5 so that old phone browsers run it.

   Storage (localStorage):
     cw.survey.queue          submissions not yet acknowledged by the server
     cw.survey.draft.<form>   answers being typed, with the submission's idempotency key
     cw.survey.done.<form>    this invitation or link has been answered on this device
     cw.survey.device         a random id of this device (one answer per device on public links)
   The server stores a submission once per idempotency key, so sending the queue again is safe. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  root.className += " js";

  function load(key, fallback) {
    try { var v = localStorage.getItem(key); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: memory only */ }
  }
  function drop(key) { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  // --- language switch (both languages are in the page) ---------------------------------------
  function setLang(lang) {
    root.setAttribute("data-lang", lang);
    root.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
  }
  var chosen = load("cw.lang", null);
  if (chosen === "en" || chosen === "zh") { setLang(chosen); }
  var switcher = doc.getElementById("lang-switch");
  if (switcher) {
    switcher.addEventListener("click", function () {
      var lang = root.getAttribute("data-lang") === "en" ? "zh" : "en";
      setLang(lang);
      save("cw.lang", lang);
    });
  }

  var metaNode = doc.getElementById("cw-meta");
  if (!metaNode) {
    // A message page. On the phone that answered this invitation, say thank you instead.
    var state = doc.querySelector("[data-form]");
    if (state && load("cw.survey.done." + state.getAttribute("data-form"), null)) {
      state.querySelector(".state-text").hidden = true;
      state.querySelector(".state-thanks").hidden = false;
    }
    return;
  }
  var meta = JSON.parse(metaNode.textContent);
  var ui = JSON.parse(doc.getElementById("cw-ui").textContent);
  var rules = meta.rules;
  var form = doc.getElementById("survey");
  var statusBox = doc.getElementById("status");
  var thanks = doc.getElementById("thanks");
  var sendButton = form.querySelector("button[type=submit]");
  var QUEUE = "cw.survey.queue";
  var DRAFT = "cw.survey.draft." + meta.form;
  var DONE = "cw.survey.done." + meta.form;

  function uid() {
    var c = window.crypto;
    if (c && c.getRandomValues) {
      var a = new Uint8Array(16);
      c.getRandomValues(a);
      var s = "";
      for (var i = 0; i < a.length; i++) { s += (a[i] + 256).toString(16).slice(1); }
      return s;
    }
    return (Date.now().toString(16) + Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2)).slice(0, 32);
  }
  function deviceId() {
    var d = load("cw.survey.device", null);
    if (!d) { d = uid(); save("cw.survey.device", d); }
    return d;
  }

  // --- expressions: the same subset and rules as casewatch/surveys/expressions.py ---------------
  function toNum(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (typeof v === "number") { return v; }
    if (Object.prototype.toString.call(v) === "[object Array]") { v = v.join(" "); }
    v = String(v === null || v === undefined ? "" : v).replace(/^\s+|\s+$/g, "");
    if (v === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) { return NaN; }
    return Number(v);
  }
  function toStr(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (Object.prototype.toString.call(v) === "[object Array]") { return v.join(" "); }
    return String(v);
  }
  function truthy(v) {
    if (typeof v === "boolean") { return v; }
    if (typeof v === "number") { return !(v === 0 || isNaN(v)); }
    if (Object.prototype.toString.call(v) === "[object Array]") { return v.length > 0; }
    return !!v;
  }
  function numericNode(n) {
    return n && (n[0] === "num" || n[0] === "arith" || n[0] === "neg" ||
      (n[0] === "call" && (n[1] === "count-selected" || n[1] === "string-length" || n[1] === "number")));
  }
  function list(v) {
    if (Object.prototype.toString.call(v) === "[object Array]") { return v; }
    return toStr(v).split(/\s+/).filter(function (x) { return x; });
  }
  function ev(t, vals, cur) {
    var a, b;
    switch (t[0]) {
      case "num": case "str": return t[1];
      case "ref": return vals[t[1]] === undefined ? "" : vals[t[1]];
      case "self": return cur === undefined || cur === null ? "" : cur;
      case "or": return truthy(ev(t[1], vals, cur)) || truthy(ev(t[2], vals, cur));
      case "and": return truthy(ev(t[1], vals, cur)) && truthy(ev(t[2], vals, cur));
      case "neg": return -toNum(ev(t[1], vals, cur));
      case "arith":
        a = toNum(ev(t[2], vals, cur)); b = toNum(ev(t[3], vals, cur));
        if (t[1] === "+") { return a + b; }
        if (t[1] === "-") { return a - b; }
        if (t[1] === "*") { return a * b; }
        if (t[1] === "div") { return b ? a / b : NaN; }
        return b ? a % b : NaN;
      case "cmp":
        a = ev(t[2], vals, cur); b = ev(t[3], vals, cur);
        if (/[<>]/.test(t[1]) || numericNode(t[2]) || numericNode(t[3])) {
          a = toNum(a); b = toNum(b);
          if (isNaN(a) || isNaN(b)) { return t[1] === "!="; }
        } else {
          a = toStr(a); b = toStr(b);
        }
        switch (t[1]) {
          case "=": return a === b;
          case "!=": return a !== b;
          case "<": return a < b;
          case "<=": return a <= b;
          case ">": return a > b;
          default: return a >= b;
        }
      case "call":
        var args = t[2].map(function (x) { return ev(x, vals, cur); });
        switch (t[1]) {
          case "selected": return list(args[0]).indexOf(toStr(args[1])) >= 0;
          case "count-selected": return list(args[0]).length;
          case "not": return !truthy(args[0]);
          case "string-length": return toStr(args[0]).length;
          case "number": return toNum(args[0]);
          case "true": return true;
          default: return false;
        }
    }
    return false;
  }
  function holds(t, vals, cur) { return t === null || t === undefined || truthy(ev(t, vals, cur)); }

  // --- reading the form -----------------------------------------------------------------------
  var blocks = Array.prototype.slice.call(form.querySelectorAll(".q[data-name]"));
  var headings = Array.prototype.slice.call(form.querySelectorAll("h2.grp[data-group]"));

  function read(name, kind) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var out = [];
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { out.push(el.value); }
      } else {
        return el.value.replace(/^\s+|\s+$/g, "");
      }
    }
    return kind === "select_multiple" ? out : (out[0] || "");
  }
  function empty(v) { return v === "" || (Object.prototype.toString.call(v) === "[object Array]" && !v.length); }

  // Walks the questions in order: shows or hides each by skip logic; returns answers and errors.
  function walk() {
    var vals = {}, errors = {}, first = null;
    blocks.forEach(function (el) {
      var name = el.getAttribute("data-name"), r = rules[name];
      var visible = !r || holds(r.rel, vals);
      el.hidden = !visible;
      if (!visible || !r || r.k === "note") { return; }
      var v = read(name, r.k), problem = null;
      if (empty(v)) {
        if (r.r) { problem = "required"; }
      } else if ((r.k === "integer" || r.k === "decimal") && (isNaN(toNum(v)) || (r.k === "integer" && toNum(v) % 1 !== 0))) {
        problem = r.k === "integer" ? "integer" : "number";
      } else if (r.con && !holds(r.con, vals, v)) {
        problem = "range";
      } else {
        vals[name] = v;
      }
      if (problem) { errors[name] = problem; if (!first) { first = el; } }
    });
    Array.prototype.forEach.call(form.querySelectorAll(".opt input"), function (input) {
      input.parentNode.classList.toggle("on", input.checked);
    });
    headings.forEach(function (h) {
      var g = h.getAttribute("data-group");
      h.hidden = !blocks.some(function (el) { return el.getAttribute("data-group") === g && !el.hidden; });
    });
    return { answers: vals, errors: errors, first: first };
  }

  function say(el, key, text) {
    el.textContent = "";
    if (!key && !text) { return; }
    var entry = key ? ui[key] : { zh: text, en: text };
    ["zh", "en"].forEach(function (lang) {
      var s = doc.createElement("span");
      s.className = lang;
      s.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
      s.textContent = entry[lang];
      el.appendChild(s);
    });
  }
  function showErrors(errors, serverText) {
    blocks.forEach(function (el) {
      var name = el.getAttribute("data-name"), box = doc.getElementById("err-" + name);
      if (!box) { return; }
      if (errors[name]) {
        el.classList.add("bad");
        if (serverText) { say(box, null, errors[name]); } else { say(box, errors[name]); }
      } else {
        el.classList.remove("bad");
        say(box, null);
      }
    });
  }

  // --- the draft and the queue ----------------------------------------------------------------
  var draft = load(DRAFT, null) || { key: uid(), raw: {} };
  function restore() {
    Object.keys(draft.raw || {}).forEach(function (name) {
      var v = draft.raw[name], inputs = form.querySelectorAll("[name='" + name + "']");
      for (var i = 0; i < inputs.length; i++) {
        var el = inputs[i];
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = (Object.prototype.toString.call(v) === "[object Array]" ? v : [v]).indexOf(el.value) >= 0;
        } else {
          el.value = v;
        }
      }
    });
  }
  function keepDraft() {
    var raw = {};
    Object.keys(rules).forEach(function (name) {
      var v = read(name, rules[name].k);
      if (!empty(v)) { raw[name] = v; }
    });
    draft.raw = raw;
    save(DRAFT, draft);
  }

  function finish() {
    save(DONE, { on: new Date().toISOString().slice(0, 10) });
    drop(DRAFT);
    form.hidden = true;
    say(statusBox, null);
    thanks.hidden = false;
    thanks.focus();
  }
  function refuse(status) {
    form.hidden = status === "used" || status === "device" || status === "unknown" || status === "closed";
    if (status === "device") { save(DONE, { on: "device" }); }
    sendButton.disabled = false;
    say(statusBox, "status_" + status);
  }

  var flushing = false;
  function pendingCount() { return load(QUEUE, []).length; }
  function flush() {
    var queue = load(QUEUE, []);
    if (!queue.length || flushing) { return; }
    flushing = true;
    var body = JSON.stringify({ responses: queue.map(function (s) {
      return { client_key: s.client_key, token: s.token || "", link: s.link || "", device: s.device || "",
        language: s.language || "", answers: s.answers };
    }) });
    var lang = root.getAttribute("data-lang") === "en" ? "en" : "zh-hans";
    fetch(meta.submit, {
      method: "POST", credentials: "omit", body: body,
      headers: { "Content-Type": "application/json", "Accept-Language": lang }
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (results) {
      var answered = {};
      results.forEach(function (res) { answered[res.client_key] = res; });
      var rest = load(QUEUE, []).filter(function (s) { return !answered[s.client_key]; });
      save(QUEUE, rest);
      load_forms_done(queue, answered);
      var mine = answered[draft.key];
      if (mine) {
        if (mine.status === "stored" || mine.status === "duplicate") {
          finish();
        } else if (mine.status === "invalid") {
          sendButton.disabled = false;
          say(statusBox, "fix");
          showErrors(mine.errors || {}, true);
        } else {
          refuse(mine.status);
        }
      }
    }).catch(function () {
      if (load(DRAFT, null) && pendingCount()) {
        say(statusBox, navigator.onLine === false ? "offline" : "error");
        sendButton.disabled = false;
      }
    }).then(function () { flushing = false; });
  }
  // Other forms' submissions in the same queue (another invitation answered offline on this phone).
  function load_forms_done(queue, answered) {
    queue.forEach(function (s) {
      var res = answered[s.client_key];
      if (res && s.form && s.form !== meta.form && (res.status === "stored" || res.status === "duplicate")) {
        save("cw.survey.done." + s.form, { on: "queued" });
      }
    });
  }

  // --- events -----------------------------------------------------------------------------------
  if (!meta.preview && load(DONE, null)) {
    form.hidden = true;
    thanks.hidden = false;
  } else {
    restore();
    walk();
  }
  form.addEventListener("change", function () { walk(); keepDraft(); });
  form.addEventListener("input", function () { keepDraft(); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var state = walk();
    showErrors(state.errors, false);
    if (state.first) {
      say(statusBox, "fix");
      var target = state.first.querySelector("input, textarea");
      if (target) { target.focus(); }
      return;
    }
    if (meta.preview) { say(statusBox, "preview_ok"); return; }
    var queue = load(QUEUE, []).filter(function (s) { return s.client_key !== draft.key; });
    var sub = { client_key: draft.key, answers: state.answers, form: meta.form, device: deviceId(),
      language: root.getAttribute("data-lang") };
    sub[meta.kind === "token" ? "token" : "link"] = meta.key;
    queue.push(sub);
    save(QUEUE, queue);
    keepDraft();
    sendButton.disabled = true;
    say(statusBox, "sending");
    flush();
  });
  window.addEventListener("online", flush);
  doc.addEventListener("visibilitychange", function () { if (!doc.hidden) { flush(); } });
  setInterval(function () { if (navigator.onLine !== false) { flush(); } }, 15000);
  flush();

  if ("serviceWorker" in navigator && meta.sw && !meta.preview) {
    navigator.serviceWorker.register(meta.sw, { scope: meta.scope }).catch(function () { /* optional */ });
  }
})();
