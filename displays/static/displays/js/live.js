/* hallops live client: one socket per page (docs/realtime.md).
 *
 *   const live = Live.connect({path, token, onSnapshot, onEvent, onFrame});
 *   live.act("call_next", {}).then(result => ...).catch(err => show(err.message));
 *
 * A snapshot replaces the page's state; events follow in seq order. The client remembers the
 * last seq it applied and, when the socket drops (network, server restart, daphne's 24 h
 * timeout), reconnects by itself with a back-off and ?since=lastSeq, so the server replays
 * only what was missed (or sends a fresh snapshot). A ping every 20 s keeps NATs open and
 * detects a dead peer. While down, #offline-banner shows.
 *
 * Also: Live.config() (the page's JSON config), Live.fmt("{n} 人", {n: 3}), Live.deviceToken(kind).
 */
(function () {
  "use strict";

  var BACKOFF_MS = [1000, 2000, 5000, 10000];
  var PING_MS = 20000;
  var DEAD_MS = 45000; // no frame at all for this long: the socket is dead even if not closed
  var ACTION_TIMEOUT_MS = 10000;
  // Throttled state frames: their seq says what data they include, not which event was applied.
  var STATE_FRAMES = {load: 1, waiting: 1, services: 1, "ticket.ahead": 1};
  var REFUSED = {4401: 1, 4403: 1, 4404: 1};

  function banner(id, show, text) {
    var el = document.getElementById(id);
    if (!el) return;
    if (text !== undefined) el.textContent = text;
    el.hidden = !show;
    document.body.classList.toggle("is-offline", !!(show && id === "offline-banner"));
  }

  function connect(opts) {
    var lastSeq = null;
    var ws = null;
    var attempt = 0;
    var pingTimer = null;
    var deadTimer = null;
    var retryTimer = null;
    var closed = false;
    var nextId = 1;
    var pending = {};
    var everConnected = false;

    function url() {
      var proto = location.protocol === "https:" ? "wss://" : "ws://";
      var params = [];
      if (opts.token) params.push("token=" + encodeURIComponent(opts.token));
      if (lastSeq !== null) params.push("since=" + lastSeq);
      return proto + location.host + opts.path + (params.length ? "?" + params.join("&") : "");
    }

    function alive() {
      clearTimeout(deadTimer);
      deadTimer = setTimeout(function () { if (ws) ws.close(); }, DEAD_MS);
    }

    function open() {
      retryTimer = null;
      try {
        ws = new WebSocket(url());
      } catch (e) {
        schedule();
        return;
      }
      ws.onopen = function () {
        alive();
        pingTimer = setInterval(function () { send({type: "ping"}); }, PING_MS);
      };
      ws.onmessage = function (msg) {
        alive();
        var frame;
        try { frame = JSON.parse(msg.data); } catch (e) { return; }
        handle(frame);
      };
      ws.onclose = function (ev) {
        clearInterval(pingTimer);
        clearTimeout(deadTimer);
        ws = null;
        failPending();
        if (closed) return;
        if (REFUSED[ev.code]) {
          // Credentials or address are wrong: retrying fast will not help; say so, retry slowly.
          banner("offline-banner", false);
          banner("refused-banner", true);
          retryTimer = setTimeout(open, 30000);
          return;
        }
        banner("offline-banner", true);
        if (opts.onStatus) opts.onStatus(false);
        schedule();
      };
    }

    function schedule() {
      var delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt += 1;
      retryTimer = setTimeout(open, delay);
    }

    function online() {
      attempt = 0;
      everConnected = true;
      banner("offline-banner", false);
      banner("refused-banner", false);
      if (opts.onStatus) opts.onStatus(true);
    }

    function handle(frame) {
      var type = frame.type;
      if (type === "snapshot") {
        lastSeq = frame.seq;
        online();
        opts.onSnapshot && opts.onSnapshot(frame);
        return;
      }
      if (type === "resumed") {
        online();
        return;
      }
      if (type === "pong") {
        if (typeof frame.seq === "number" && (lastSeq === null || frame.seq > lastSeq)) lastSeq = frame.seq;
        return;
      }
      if (type === "result" || (type === "error" && frame.id !== undefined && pending[frame.id])) {
        var p = pending[frame.id];
        if (p) {
          delete pending[frame.id];
          clearTimeout(p.timer);
          if (type === "result") p.resolve(frame); else p.reject(frame);
        }
        return;
      }
      if (type === "error" && frame.id !== undefined) return; // answer to a request we gave up on
      if (type === "error") {
        // Refusal before closing (4401/4403/4404), or an error with no request id.
        banner("refused-banner", true, frame.message || frame.error);
        opts.onError && opts.onError(frame);
        return;
      }
      if (STATE_FRAMES[type]) {
        opts.onFrame && opts.onFrame(frame);
        return;
      }
      if (typeof frame.seq === "number") {
        if (lastSeq !== null && frame.seq <= lastSeq) return; // seen already (or in the snapshot)
        lastSeq = frame.seq;
      }
      opts.onEvent && opts.onEvent(frame);
    }

    function send(obj) {
      if (ws && ws.readyState === 1) {
        ws.send(JSON.stringify(obj));
        return true;
      }
      return false;
    }

    function failPending() {
      Object.keys(pending).forEach(function (id) {
        var p = pending[id];
        clearTimeout(p.timer);
        p.reject({error: "offline", message: document.getElementById("offline-banner").textContent});
      });
      pending = {};
    }

    function act(action, args) {
      return new Promise(function (resolve, reject) {
        var id = "a" + (nextId++);
        var frame = Object.assign({action: action, id: id}, args || {});
        if (!send(frame)) {
          reject({error: "offline", message: document.getElementById("offline-banner").textContent});
          return;
        }
        pending[id] = {
          resolve: resolve, reject: reject,
          timer: setTimeout(function () {
            delete pending[id];
            reject({error: "timeout", message: "timeout"});
          }, ACTION_TIMEOUT_MS),
        };
      });
    }

    open();
    return {
      act: act,
      send: send,
      lastSeq: function () { return lastSeq; },
      connected: function () { return !!(ws && ws.readyState === 1 && everConnected); },
      close: function () {
        closed = true;
        clearTimeout(retryTimer);
        if (ws) ws.close();
      },
    };
  }

  function config() {
    var el = document.getElementById("page-config");
    return el ? JSON.parse(el.textContent) : {};
  }

  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values && values[k] !== undefined && values[k] !== null ? values[k] : m;
    });
  }

  /* A device page gets its token once as ?token=; keep it, and take it out of the address bar
   * (screens are photographed, addresses are shown in the browser's history). */
  function deviceToken(key) {
    var storeKey = "hallops.token." + key;
    var params = new URLSearchParams(location.search);
    var token = params.get("token");
    try {
      if (token) localStorage.setItem(storeKey, token);
      else token = localStorage.getItem(storeKey);
    } catch (e) { /* private mode: the page cookie still lets the server render */ }
    if (params.has("token")) {
      params.delete("token");
      var rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
    return token;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function minutes(seconds) {
    return Math.ceil((seconds || 0) / 60);
  }

  /* The one wording of an estimated wait on every page: a wait under a minute reads "无需等候"
   * (the server's own words, passed in), never "约 0 分钟". */
  function waitText(seconds, template, noWait) {
    var m = minutes(seconds);
    return m > 0 ? fmt(template, {m: m}) : noWait;
  }

  // The hall's time zone (<html data-tz>, from HALLOPS_TIME_ZONE), not the browser's.
  function hallZone() {
    return document.documentElement.dataset.tz || undefined;
  }

  /* {hour, minute} of a time in the hall's zone (charts label hours with it). */
  function hallParts(time) {
    var parts = new Intl.DateTimeFormat("en-GB", {timeZone: hallZone(), hour: "numeric", minute: "numeric", hour12: false})
      .formatToParts(new Date(time));
    var out = {};
    parts.forEach(function (p) { if (p.type === "hour" || p.type === "minute") out[p.type] = Number(p.value) % 24; });
    return out;
  }

  function clockText(date) {
    var lang = document.documentElement.lang, tz = hallZone();
    return date.toLocaleDateString(lang, {month: "long", day: "numeric", weekday: "short", timeZone: tz}) +
      " " + date.toLocaleTimeString(lang, {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: tz});
  }

  // Every [data-clock] shows the date and time in the hall's zone (screens and the kiosk).
  function clocks() {
    var nodes = document.querySelectorAll("[data-clock]");
    if (!nodes.length) return;
    function tick() {
      var text = clockText(new Date());
      nodes.forEach(function (n) { n.textContent = text; });
    }
    tick();
    setInterval(tick, 5000);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", clocks); else clocks();

  window.Live = {connect: connect, config: config, fmt: fmt, deviceToken: deviceToken, el: el, minutes: minutes,
                 waitText: waitText, hallParts: hallParts, clockText: clockText};
})();
