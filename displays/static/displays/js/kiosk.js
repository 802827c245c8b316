/* 取号机: zone → matter (with what to bring) → priority → take a number; or check in an appointment.
 * The server decides everything (what is open, quotas, numbers, estimates, which classes a
 * citizen may choose); this only renders.
 *
 * 长辈模式 (one touch from the home screen): large type, a few matters per screen with big
 * page buttons, each step spoken aloud, and a longer idle time. The idle reset leaves it, and
 * returns the kiosk to its own language (the device's setting), whatever the last citizen chose. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var token = Live.deviceToken("kiosk." + cfg.hall);
  var services = [];
  var chosen = {zone: null, service: null, priority: cfg.priorities[0].value};
  var idleTimer = null;
  var busy = false;
  var elderly = false;
  var page = 0;

  function $(id) { return document.getElementById(id); }

  function show(step) {
    ["zone", "service", "priority", "checkin", "ticket"].forEach(function (s) {
      $("step-" + s).hidden = s !== step;
    });
    message(null);
    var say = {zone: T.say_zone, service: T.say_service, priority: T.say_priority, checkin: T.say_checkin}[step];
    if (say) guide(say);
  }

  /* Spoken guidance, in elderly mode only; the last sentence is kept on <body> so one can see
   * (and a test can check) what was said even where the machine has no voice. */
  function guide(text) {
    if (!elderly || !text) return;
    document.body.dataset.spoken = text;
    if (!("speechSynthesis" in window)) return;
    try {
      window.speechSynthesis.cancel();
      var u = new SpeechSynthesisUtterance(text);
      u.lang = document.documentElement.lang === "en" ? "en-GB" : "zh-CN";
      u.rate = 0.85;
      window.speechSynthesis.speak(u);
    } catch (e) { /* no voice: the screen still says it in large type */ }
  }

  function message(text) {
    $("kiosk-message").hidden = !text;
    $("kiosk-message").textContent = text || "";
  }

  function setElderly(on) {
    elderly = on;
    document.body.classList.toggle("elderly", on);
    page = 0;
  }

  function home() {
    chosen = {zone: null, service: null, priority: cfg.priorities[0].value};
    $("checkin-code").value = "";
    show("zone");
    renderZones();
  }

  /* Nobody has touched the kiosk for a while: the next citizen gets the normal home screen in
   * the kiosk's own language. Changing the language reloads the page (Django's set_language). */
  function reset() {
    setElderly(false);
    if (document.documentElement.lang !== (cfg.home_language === "en" ? "en" : "zh-CN")) {
      var form = document.querySelector("[data-lang-switch]");
      if (form) {
        var button = form.querySelector('button[value="' + cfg.home_language + '"]');
        if (button) { form.requestSubmit ? form.requestSubmit(button) : button.click(); return; }
      }
    }
    home();
  }

  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(reset, (elderly ? cfg.elderly_idle_s : cfg.idle_s) * 1000);
  }

  function unavailable(s) {
    if (s.remaining_quota === 0) return T.quota_used_up;
    if (!s.open) return T.closed;
    return null;
  }

  function waitText(seconds) {
    return Live.waitText(seconds, T.estimate, T.no_wait);
  }

  function renderZones() {
    var box = $("zones");
    box.textContent = "";
    cfg.zones.forEach(function (z) {
      var inZone = services.filter(function (s) { return s.zone === z.code; });
      if (!inZone.length) return;
      var waiting = inZone.reduce(function (n, s) { return n + s.waiting; }, 0);
      box.appendChild(el("button", {
        class: "btn tile", "data-zone": z.code,
        onclick: function () { chosen.zone = z.code; page = 0; renderServices(); show("service"); },
      }, [el("span", {class: "tile-title", text: z.name}), el("span", {class: "tile-sub", text: Live.fmt(T.waiting, {n: waiting})})]));
    });
  }

  function renderServices() {
    var box = $("services");
    box.textContent = "";
    var zone = cfg.zones.filter(function (z) { return z.code === chosen.zone; })[0];
    $("service-title").textContent = zone ? zone.name : "";
    var inZone = services.filter(function (s) { return s.zone === chosen.zone; });
    // Elderly mode: a few large rows and page buttons instead of a long list to scroll.
    var size = elderly ? cfg.elderly_page_size : inZone.length || 1;
    var pages = Math.max(1, Math.ceil(inZone.length / size));
    page = Math.min(page, pages - 1);
    inZone.slice(page * size, page * size + size).forEach(function (s) {
      var reason = unavailable(s);
      var sub = [Live.fmt(T.waiting, {n: s.waiting}), waitText(s.estimated_wait_s)];
      if (s.remaining_quota !== null && s.remaining_quota !== undefined && s.remaining_quota > 0) sub.push(Live.fmt(T.remaining, {n: s.remaining_quota}));
      box.appendChild(el("button", {
        class: "btn row" + (reason ? " disabled" : ""), "data-service": s.code, disabled: reason ? "disabled" : null,
        onclick: function () { chosen.service = s; renderPriorities(); show("priority"); },
      }, [
        el("span", {class: "row-prefix", text: s.prefix}),
        el("span", {class: "row-main"}, [el("span", {class: "row-title", text: s.name}),
                                         el("span", {class: "row-sub", text: reason || sub.join(" · ")})]),
      ]));
    });
    $("service-pager").hidden = pages < 2;
    $("page-prev").textContent = T.less;
    $("page-next").textContent = T.more;
    $("page-prev").disabled = page === 0;
    $("page-next").disabled = page >= pages - 1;
    $("page-label").textContent = Live.fmt(T.page, {n: page + 1, total: pages});
  }

  function lines(text) {
    return String(text || "").split(/\n+/).map(function (l) { return l.replace(/^\s*\d+[.、]\s*/, "").trim(); })
      .filter(function (l) { return l; });
  }

  function renderInfo(s) {
    var meta = [s.department ? Live.fmt(T.department, {name: s.department}) : null,
                T.kinds[s.kind] || null,
                s.expected_minutes ? Live.fmt(T.handling, {m: s.expected_minutes}) : null];
    $("info-meta").textContent = meta.filter(Boolean).join(" · ");
    var items = lines(s.materials);
    $("materials-title").textContent = items.length ? T.materials : T.no_materials;
    var list = $("materials");
    list.textContent = "";
    items.forEach(function (m) { list.appendChild(el("li", {text: m})); });
    $("guide-box").hidden = !s.guide;
    $("guide").textContent = s.guide || "";
  }

  function renderPriorities() {
    $("chosen-service").textContent = chosen.service ? chosen.service.name : "";
    if (chosen.service) renderInfo(chosen.service);
    var box = $("priorities");
    box.textContent = "";
    // One class only (the hall allows no other at the kiosk): nothing to choose.
    $("priority-box").hidden = cfg.priorities.length < 2;
    cfg.priorities.forEach(function (p) {
      box.appendChild(el("button", {
        class: "btn choice", "data-priority": p.value, "aria-pressed": String(p.value === chosen.priority),
        onclick: function () { chosen.priority = p.value; renderPriorities(); },
      }, [p.label]));
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw data;
        return data;
      });
    });
  }

  function issued(t) {
    $("ticket-service").textContent = t.service_name || "";
    $("ticket-number").textContent = t.number;
    $("ticket-ahead").textContent = Live.fmt(T.ahead, {n: t.ahead});
    $("ticket-estimate").textContent = waitText(t.estimated_wait_s);
    $("ticket-qr").src = Live.fmt(cfg.qr_url, {id: t.id});
    current = t;
    showPrintStatus(cfg.has_printer ? {pending: true} : null);
    show("ticket");
    guide(Live.fmt(T.say_ticket, {number: t.number}));
  }

  /* The printer reports through the kiosk socket ("print.result"); the number and QR stay on
   * screen whatever happens, and a failed or silent print offers 补打 (reprint). The error is
   * worded from its code in this page's language, not as the event was recorded. */
  var current = null, printTimer = null;
  function printError(f) {
    return (f.error && T.print_errors[f.error]) || f.message || T.print_errors.print_failed;
  }

  function showPrintStatus(print) {
    var line = $("print-status");
    clearTimeout(printTimer);
    line.hidden = !print;
    line.textContent = "";
    if (!print) return;
    if (print.pending) {
      line.className = "print-status";
      line.textContent = T.printing;
      printTimer = setTimeout(function () { showPrintStatus({ok: false, message: T.print_timeout}); }, cfg.print_wait_s * 1000);
      return;
    }
    line.className = "print-status " + (print.ok ? "ok" : "error");
    line.appendChild(document.createTextNode(print.ok ? T.print_ok : Live.fmt(T.print_failed, {message: print.message || ""})));
    if (!print.ok && current) {
      var ticket = current;
      line.appendChild(el("button", {class: "btn reprint", id: "reprint", text: T.reprint, onclick: function () {
        showPrintStatus({pending: true});
        post(Live.fmt(cfg.reprint_url, {id: ticket.id}), {}).catch(function (err) {
          showPrintStatus({ok: false, message: (err && err.message) || T.failed});
        });
      }}));
    }
  }

  function printed(f) {
    if (!current || !f.ticket || f.ticket.id !== current.id) return;
    showPrintStatus({ok: f.ok, message: f.ok ? "" : printError(f)});
  }

  function submit(url, body) {
    if (busy) return;
    busy = true;
    message(T.taking);
    post(url, body).then(issued).catch(function (err) {
      message((err && err.message) || T.failed);
    }).then(function () { busy = false; });
  }

  $("take").addEventListener("click", function () {
    if (!chosen.service) return;
    submit(cfg.issue_url, {service: chosen.service.code, priority: chosen.priority, channel: "kiosk"});
  });
  $("elderly-on").addEventListener("click", function () { setElderly(true); touched(); home(); });
  $("page-prev").addEventListener("click", function () { page -= 1; renderServices(); });
  $("page-next").addEventListener("click", function () { page += 1; renderServices(); });
  $("checkin-open").addEventListener("click", function () { show("checkin"); $("checkin-code").focus(); });
  function checkIn(code) {
    code = (code || "").trim();
    if (code) submit(cfg.check_in_url, {code: code});
  }
  $("checkin-submit").addEventListener("click", function () { checkIn($("checkin-code").value); });
  $("checkin-code").addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); checkIn(this.value); }
  });
  // A barcode/QR scanner is a keyboard: it types the booking code and Enter, on whatever screen
  // is showing. Keys typed outside the code field are collected; Enter checks them in.
  var scanned = "", scanTimer = null;
  document.addEventListener("keydown", function (e) {
    if (e.target === $("checkin-code")) return;
    clearTimeout(scanTimer);
    scanTimer = setTimeout(function () { scanned = ""; }, 1000);
    if (e.key === "Enter") {
      if (scanned.length >= 4) { e.preventDefault(); show("checkin"); $("checkin-code").value = scanned; checkIn(scanned); }
      scanned = "";
    } else if (e.key.length === 1 && /[0-9A-Za-z]/.test(e.key)) {
      scanned = (scanned + e.key.toUpperCase()).slice(-12);
    }
  });
  "1234567890ABCDEFGHJKLMNPQRSTUVWXYZ".split("").concat(["⌫"]).forEach(function (k) {
    $("keypad").appendChild(el("button", {
      class: "btn key", text: k,
      onclick: function () {
        var input = $("checkin-code");
        input.value = k === "⌫" ? input.value.slice(0, -1) : (input.value + k).slice(0, 12);
      },
    }));
  });
  document.querySelectorAll("[data-back]").forEach(function (b) {
    b.addEventListener("click", function () {
      if (!$("step-priority").hidden) { renderServices(); show("service"); } else home();
    });
  });
  document.querySelectorAll("[data-home]").forEach(function (b) { b.addEventListener("click", home); });
  ["pointerdown", "keydown"].forEach(function (e) { document.addEventListener(e, touched, true); });

  function setServices(list) {
    services = list;
    if (!$("step-zone").hidden) renderZones();
    if (!$("step-service").hidden) renderServices();
    if (!$("step-priority").hidden && chosen.service) {
      var fresh = services.filter(function (s) { return s.code === chosen.service.code; })[0];
      if (fresh) chosen.service = fresh;
    }
  }

  Live.connect({
    path: cfg.socket, token: token,
    onSnapshot: function (f) { setServices(f.services); },
    onFrame: function (f) { if (f.type === "services") setServices(f.services); },
    onEvent: function (f) { if (f.type === "print.result") printed(f); },
  });
  home();
  touched();  // a kiosk left in another language by a reload also comes home
})();
