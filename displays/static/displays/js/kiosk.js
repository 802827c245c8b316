/* 取号机: zone → matter → priority → take a number; or check in an appointment.
 * The server decides everything (what is open, quotas, numbers, estimates); this only renders. */
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

  function $(id) { return document.getElementById(id); }

  function show(step) {
    ["zone", "service", "priority", "checkin", "ticket"].forEach(function (s) {
      $("step-" + s).hidden = s !== step;
    });
    message(null);
  }

  function message(text) {
    $("kiosk-message").hidden = !text;
    $("kiosk-message").textContent = text || "";
  }

  function home() {
    chosen = {zone: null, service: null, priority: cfg.priorities[0].value};
    $("checkin-code").value = "";
    show("zone");
    renderZones();
  }

  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(home, cfg.idle_s * 1000);
  }

  function unavailable(s) {
    if (s.remaining_quota === 0) return T.quota_used_up;
    if (!s.open) return T.closed;
    return null;
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
        onclick: function () { chosen.zone = z.code; renderServices(); show("service"); },
      }, [el("span", {class: "tile-title", text: z.name}), el("span", {class: "tile-sub", text: Live.fmt(T.waiting, {n: waiting})})]));
    });
  }

  function renderServices() {
    var box = $("services");
    box.textContent = "";
    var zone = cfg.zones.filter(function (z) { return z.code === chosen.zone; })[0];
    $("service-title").textContent = zone ? zone.name : "";
    services.filter(function (s) { return s.zone === chosen.zone; }).forEach(function (s) {
      var reason = unavailable(s);
      var sub = [Live.fmt(T.waiting, {n: s.waiting}),
                 s.estimated_wait_s ? Live.fmt(T.estimate, {m: Live.minutes(s.estimated_wait_s)}) : T.no_wait];
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
  }

  function renderPriorities() {
    $("chosen-service").textContent = chosen.service ? chosen.service.name : "";
    var box = $("priorities");
    box.textContent = "";
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
    $("ticket-estimate").textContent = t.estimated_wait_s ? Live.fmt(T.estimate, {m: Live.minutes(t.estimated_wait_s)}) : T.no_wait;
    $("ticket-qr").src = Live.fmt(cfg.qr_url, {id: t.id});
    current = t;
    showPrintStatus(cfg.has_printer ? {pending: true} : null);
    show("ticket");
  }

  /* The printer reports through the kiosk socket ("print.result"); the number and QR stay on
   * screen whatever happens, and a failed or silent print offers 补打 (reprint). */
  var current = null, printTimer = null;
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
    showPrintStatus({ok: f.ok, message: f.message || f.error || ""});
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

})();
