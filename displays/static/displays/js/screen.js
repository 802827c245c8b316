/* 综合屏: the latest call, a grid of the open windows with their current numbers, recent calls
 * (one row per ticket: a recall moves its row up), waiting per matter (paged when it does not
 * fit), the notice; each call announced aloud, hall.announce_times times (2 by default).
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
  var windows = [];
  var services = [];
  var announceTimes = 2;
  var MAX_CALLS = 10;
  var PAGE_MS = 8000;

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

  function callKey(c) { return (c.ticket && c.ticket.id) || c.number; }

  function addCall(call) {
    var key = callKey(call);
    calls = [call].concat(calls.filter(function (c) { return callKey(c) !== key; })).slice(0, MAX_CALLS);
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

  // --- the window grid: every open window and the number it serves --------------------
  function renderBoard() {
    var box = $("board");
    box.textContent = "";
    var open = windows.filter(function (w) { return w.state !== "closed"; });
    open.sort(function (a, b) { return String(a.number).localeCompare(String(b.number), undefined, {numeric: true}); });
    open.forEach(function (w) {
      var text = w.current || (w.state === "paused" ? T.paused : T.idle);
      box.appendChild(el("li", {class: "tile " + w.state + (w.current ? " busy" : ""), "data-window": w.number}, [
        el("span", {class: "w-no", text: Live.fmt(T.window_no, {window: w.number})}),
        el("span", {class: "w-cur", text: text}),
      ]));
    });
  }

  function setCurrent(windowId, number, onlyIf) {
    windows.forEach(function (w) {
      if (w.id === windowId && (onlyIf === undefined || w.current === onlyIf)) w.current = number;
    });
  }

  function boardEvent(e) {
    var t = e.ticket || {};
    if (e.type === "ticket.called" && e.window) setCurrent(e.window.id, e.number);
    else if ((e.type === "ticket.finished" || e.type === "ticket.skipped") && (e.window || t.window)) {
      setCurrent((e.window || t.window).id, null, t.number);
    } else if (e.type === "ticket.transferred" && e.from && e.from.window) {
      setCurrent(e.from.window.id, null, e.from.number);
    } else if (e.type === "window.state" && e.window) {
      var found = false;
      windows.forEach(function (w) {
        if (w.id === e.window.id) { w.state = e.window.state; found = true; if (w.state === "closed") w.current = null; }
      });
      if (!found) windows.push({id: e.window.id, number: e.window.number, name: e.window.name, state: e.window.state, current: null});
    }
    renderBoard();
  }

  // --- waiting per matter, paged when the hall has more matters than fit ---------------
  var waitingPage = 0, pageTimer = null;
  function renderWaiting() {
    var list = $("waiting");
    var shown = services.filter(function (s) { return s.waiting > 0 || s.open; });
    function row(s) {
      return el("li", {class: s.waiting ? "" : "none"}, [
        el("span", {class: "prefix", text: s.prefix}),
        el("span", {class: "name", text: s.name}),
        el("span", {class: "count", text: String(s.waiting)}),
      ]);
    }
    list.textContent = "";
    if (!shown.length) { $("waiting-page").textContent = ""; return; }
    // How many rows fit: measure one, then fill the box (two columns).
    list.appendChild(row(shown[0]));
    var first = list.firstChild;
    var rowH = first.getBoundingClientRect().height || 1;
    var gap = parseFloat(getComputedStyle(list).rowGap) || 0;
    var room = list.parentNode.getBoundingClientRect().bottom - list.getBoundingClientRect().top;
    var perPage = Math.max(2, Math.floor((room + gap) / (rowH + gap)) * 2);
    var pages = Math.ceil(shown.length / perPage);
    waitingPage = waitingPage % pages;
    list.textContent = "";
    shown.slice(waitingPage * perPage, (waitingPage + 1) * perPage).forEach(function (s) { list.appendChild(row(s)); });
    $("waiting-page").textContent = pages > 1 ? Live.fmt(T.page, {n: waitingPage + 1, total: pages}) : "";
    clearTimeout(pageTimer);
    if (pages > 1) pageTimer = setTimeout(function () { waitingPage += 1; renderWaiting(); }, PAGE_MS);
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

  function sayTimes(a, times) {
    var p = Promise.resolve();
    for (var i = 0; i < times; i++) {
      p = p.then(function () { return say(a); }).then(function () { return pause(600); });
    }
    return p;
  }

  function pause(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

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
      .then(function (a) { spoken(a, call); return sayTimes(a, announceTimes); })
      .then(function () { setTimeout(next, 400); });
  }

  // What was announced and how often, on <body> for whoever looks (tests: headless Chromium has no voice).
  var spokenCount = 0;
  function spoken(a, call) {
    spokenCount += 1;
    document.body.dataset.announced = spokenCount + ":" + call.number + "x" + announceTimes;
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
      windows = f.windows || [];
      services = f.services || [];
      if (f.hall && f.hall.announce_times) announceTimes = f.hall.announce_times;
      renderLatest(calls[0], false);
      renderCalls();
      renderBoard();
      renderWaiting();
      if (f.hall && f.hall.notice !== undefined) $("notice").textContent = f.hall.notice;
    },
    onEvent: function (e) {
      boardEvent(e);
      if (e.type !== "ticket.called") return;
      addCall(e);
      renderLatest(e, true);
      renderCalls();
      // Calls replayed after a long outage are shown but not read out: the citizen has moved on.
      if (!e.at || Date.now() - Date.parse(e.at) < 300000) announce(e);
    },
    onFrame: function (f) { if (f.type === "waiting") { services = f.services; renderWaiting(); } },
  });
})();
