/* 综合屏: the latest call, recent calls, waiting per matter, the notice; each call announced aloud.
 *
 * Announcements queue and never overlap. The text and the clip list come from the server
 * (/halls/{hall}/announce/: reading rules applied there); the page speaks the text with a
 * Chinese speech-synthesis voice when the browser has a real one, else plays the clips. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var token = Live.deviceToken("screen." + cfg.hall);
  var calls = [];
  var MAX_CALLS = 10;

  function $(id) { return document.getElementById(id); }

  function renderLatest(call, fresh) {
    var box = $("latest");
    box.textContent = "";
    if (!call) {
      box.appendChild(el("span", {class: "num", text: "—"}));
      return;
    }
    box.appendChild(el("span", {class: "num", text: call.number}));
    box.appendChild(el("span", {class: "to", text: Live.fmt(T.to_window, {window: call.window.number})}));
    if (call.recall_count > 0) box.appendChild(el("span", {class: "badge", text: T.recall}));
    if (fresh) {
      box.classList.remove("blink");
      void box.offsetWidth; // restart the animation
      box.classList.add("blink");
    }
  }

  function renderCalls() {
    var body = $("calls");
    body.textContent = "";
    calls.slice(1).forEach(function (c) {
      body.appendChild(el("tr", {}, [
        el("td", {class: "num", text: c.number}),
        el("td", {text: c.window.number}),
        el("td", {class: "svc", text: c.service ? c.service.name : ""}),
      ]));
    });
  }

  function renderWaiting(services) {
    var list = $("waiting");
    list.textContent = "";
    services.filter(function (s) { return s.waiting > 0 || s.open; }).forEach(function (s) {
      list.appendChild(el("li", {class: s.waiting ? "" : "none"}, [
        el("span", {class: "prefix", text: s.prefix}),
        el("span", {class: "name", text: s.name}),
        el("span", {class: "count", text: String(s.waiting)}),
      ]));
    });
  }

  // --- announcements ------------------------------------------------------------------
  var queue = [];
  var speaking = false;
  var zhVoice = null;
  var soundBlocked = false;

  function pickVoice() {
    if (!("speechSynthesis" in window)) return;
    var voices = window.speechSynthesis.getVoices();
    zhVoice = voices.filter(function (v) {
      var lang = (v.lang || "").toLowerCase().replace("_", "-");
      // espeak voices misread Chinese characters; the clip pack says it right.
      return (lang === "zh-cn" || lang === "cmn-cn" || lang === "zh-hans-cn") && !/espeak/i.test(v.name);
    })[0] || null;
  }
  if ("speechSynthesis" in window) {
    pickVoice();
    window.speechSynthesis.addEventListener("voiceschanged", pickVoice);
  }

  function announce(call) {
    queue.push(call);
    if (!speaking) next();
  }

  function next() {
    var call = queue.shift();
    if (!call) { speaking = false; return; }
    speaking = true;
    var url = cfg.announce_url + "?number=" + encodeURIComponent(call.number) +
      "&window=" + encodeURIComponent(call.window.number) + "&recall=" + (call.recall_count > 0 ? 1 : 0);
    var headers = token ? {"Authorization": "Bearer " + token} : {};
    fetch(url, {headers: headers, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .catch(function () { return {text: call.announcement || "", clips: []}; })
      .then(function (a) { return say(a); })
      .then(function () { setTimeout(next, 400); });
  }

  function say(a) {
    if (zhVoice && a.text) return speak(a.text);
    if (a.clips && a.clips.length) return playClips(a.clips);
    if (a.text && "speechSynthesis" in window) return speak(a.text); // any voice beats silence
    return Promise.resolve();
  }

  function speak(text) {
    return new Promise(function (resolve) {
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "zh-CN";
      if (zhVoice) u.voice = zhVoice;
      u.rate = 0.9;
      var guard = setTimeout(resolve, 15000); // onend is unreliable in some engines
      u.onend = u.onerror = function () { clearTimeout(guard); resolve(); };
      window.speechSynthesis.speak(u);
    });
  }

  function playClips(urls) {
    return urls.reduce(function (p, url) {
      return p.then(function () { return playOne(url); });
    }, Promise.resolve());
  }

  function playOne(url) {
    return new Promise(function (resolve) {
      var audio = new Audio(url);
      var guard = setTimeout(resolve, 5000);
      function done() { clearTimeout(guard); resolve(); }
      audio.onended = done;
      audio.onerror = done;
      var started = audio.play();
      if (started && started.catch) {
        started.catch(function (e) {
          if (e && e.name === "NotAllowedError") askForSound();
          done();
        });
      }
    });
  }

  function askForSound() {
    if (soundBlocked) return;
    soundBlocked = true;
    var b = $("sound-on");
    b.textContent = T.sound_off;
    b.hidden = false;
    b.onclick = function () { b.hidden = true; soundBlocked = false; };
  }

  // --- stream -------------------------------------------------------------------------
  Live.connect({
    path: cfg.socket, token: token,
    onSnapshot: function (f) {
      calls = (f.calls || []).slice(0, MAX_CALLS);
      renderLatest(calls[0], false);
      renderCalls();
      renderWaiting(f.services || []);
      if (f.hall && f.hall.notice !== undefined) $("notice").textContent = f.hall.notice;
    },
    onEvent: function (e) {
      if (e.type !== "ticket.called") return;
      calls.unshift(e);
      calls = calls.slice(0, MAX_CALLS);
      renderLatest(e, true);
      renderCalls();
      // Calls replayed after a long outage are shown but not read out: the citizen has moved on.
      if (!e.at || Date.now() - Date.parse(e.at) < 300000) announce(e);
    },
    onFrame: function (f) { if (f.type === "waiting") renderWaiting(f.services); },
  });
})();
