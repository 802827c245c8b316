/* 大厅值班: every window and matter live from the dashboard socket; alerts and device health as the
 * server computed them; lobby managers act on windows from their tiles (supervisors only watch). */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var live;

  function $(id) { return document.getElementById(id); }
  function mins(s) { return Math.floor((s || 0) / 60); }

  function say(text, isError) {
    $("dash-message").textContent = text || "";
    $("dash-message").className = "message" + (isError ? " error" : "");
  }

  function act(action, args) {
    say("");
    live.act(action, args).then(function () { if (action === "open" || action === "resume") loadStaffing(); })
      .catch(function (err) { say(err.message || err.error, true); });
  }

  function tileActions(w) {
    if (!cfg.can_manage) return null;
    var b = [];
    function btn(label, fn) { b.push(el("button", {class: "btn small", text: label, onclick: fn})); }
    if (w.state === "closed") btn(T.open, function () { act("open", {window: w.id}); });
    if (w.state === "open" || w.state === "serving") {
      btn(T.pause, function () { pauseDialog(w); });
    }
    if (w.state === "paused") btn(T.resume, function () { act("resume", {window: w.id}); });
    if (w.state !== "closed") btn(T.close, function () { act("close", {window: w.id}); });
    if (w.current_ticket) btn(T.transfer, function () { transferDialog(w); });
    return el("div", {class: "tile-actions"}, b);
  }

  // --- dialogs (never window.prompt): pause with a reason from the hall's list, transfer by name ----
  function dialog(title, body, onConfirm) {
    var d = el("dialog", {class: "dash-dialog"}, [
      el("form", {method: "dialog"}, [el("h3", {text: title})].concat(body).concat([
        el("div", {class: "dialog-buttons"}, [
          el("button", {value: "cancel", class: "btn", text: T.cancel}),
          el("button", {value: "ok", class: "btn primary", text: T.confirm}),
        ]),
      ])),
    ]);
    d.addEventListener("close", function () {
      if (d.returnValue === "ok") onConfirm(d);
      d.remove();
    });
    document.body.appendChild(d);
    d.showModal();
    return d;
  }

  function pauseDialog(w) {
    var options = cfg.pause_reasons.map(function (r) { return el("option", {value: r, text: r}); });
    options.push(el("option", {value: "", text: T.other_reason}));
    var reason = el("select", {name: "reason"}, options);
    var other = el("input", {name: "other", maxlength: "80", placeholder: T.other_reason});
    var standIn = el("input", {name: "stand_in", maxlength: "40", placeholder: T.stand_in});
    dialog(T.pause + " · " + w.number, [
      el("label", {text: T.pause_reason}), reason, other, standIn,
    ], function () {
      act("pause", {window: w.id, reason: reason.value || other.value.trim(), stand_in: standIn.value.trim()});
    });
  }

  function transferDialog(w) {
    var choose = el("option", {value: "", text: T.choose});
    var service = el("select", {name: "service"}, [choose].concat(cfg.services.map(function (s) {
      return el("option", {value: s.code, text: s.name});
    })));
    var win = el("select", {name: "to_window"}, [el("option", {value: "", text: T.choose})].concat(
      cfg.windows.filter(function (x) { return x.id !== w.id; }).map(function (x) {
        return el("option", {value: String(x.id), text: x.number + " " + x.name});
      })));
    dialog(T.transfer + " · " + w.current_ticket.number, [
      el("label", {text: T.to_service}), service, el("label", {text: T.to_window}), win,
    ], function () {
      if (win.value) act("transfer", {window: w.id, to_window: Number(win.value)});
      else if (service.value) act("transfer", {window: w.id, service: service.value});
    });
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function acknowledge(key) {
    fetch(cfg.ack_url, {method: "POST", credentials: "same-origin",
                        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
                        body: JSON.stringify({key: key})})
      .then(function (r) { return r.json().then(function (b) { if (!r.ok) throw b; }); })
      .catch(function (err) { say(err.message || err.error, true); });
  }

  function renderWindows(windows) {
    var box = $("tiles");
    box.textContent = "";
    windows.forEach(function (w) {
      var lines = [];
      lines.push(el("div", {class: "tile-top"}, [
        el("b", {class: "tile-no", text: w.number}),
        el("span", {class: "tile-state", text: cfg.states[w.state] || w.state}),
      ]));
      lines.push(el("div", {class: "tile-staff", text: w.staff ? w.staff.name : T.no_staff}));
      lines.push(el("div", {class: "tile-current", text: w.current_ticket ? w.current_ticket.number : "—"}));
      var stats = [Live.fmt(T.served, {n: w.served_today})];
      if (w.avg_handle_s) stats.push(Live.fmt(T.avg, {m: mins(w.avg_handle_s)}));
      if (w.idle_s !== null && w.idle_s !== undefined) stats.push(Live.fmt(T.idle, {m: mins(w.idle_s)}));
      lines.push(el("div", {class: "tile-stats", text: stats.join(" · ")}));
      if (w.state === "paused" && (w.pause_reason || w.stand_in)) {
        lines.push(el("div", {class: "tile-stats", text: [w.pause_reason, w.stand_in].filter(Boolean).join(" · ")}));
      }
      lines.push(tileActions(w));
      box.appendChild(el("div", {class: "tile-win", "data-window": w.number, "data-state": w.state}, lines));
    });
  }

  function renderServices(services) {
    var body = $("svc");
    body.textContent = "";
    services.forEach(function (s) {
      body.appendChild(el("tr", {class: (s.waiting ? "" : "none ") + "level-" + (s.level || "ok"),
                                 "data-level": s.level || "ok"}, [
        el("td", {text: s.prefix + " " + s.name}),
        el("td", {class: "num", text: String(s.waiting)}),
        el("td", {text: s.waiting ? Live.fmt(T.minutes, {m: mins(s.longest_wait_s)}) : "—"}),
        el("td", {text: Live.waitText(s.estimated_wait_s, T.minutes, T.no_wait)}),
      ]));
    });
  }

  function renderTotals(t) {
    var box = $("totals");
    box.textContent = "";
    [["t_waiting", t.waiting], ["t_issued", t.issued_today], ["t_served", t.served_today],
     ["t_open", t.windows_open + "/" + t.windows_total], ["t_paused", t.windows_paused]].forEach(function (p) {
      box.appendChild(el("span", {class: "total"}, [el("small", {text: T[p[0]]}), el("b", {text: String(p[1])})]));
    });
  }

  function renderAlerts(alerts) {
    var list = $("alerts");
    list.textContent = "";
    if (!alerts || !alerts.length) { list.appendChild(el("li", {class: "muted", text: T.no_alerts})); return; }
    alerts.forEach(function (a) {
      var parts = [el("span", {class: "alert-text", text: a.message})];
      if (a.since) {
        parts.push(el("small", {class: "alert-since",
                                text: Live.fmt(T.since, {at: a.since_local, m: mins(a.duration_s)})}));
      }
      if (a.acknowledged) {
        parts.push(el("small", {class: "alert-ack", text: Live.fmt(T.acked, {by: a.acknowledged.by, at: a.acknowledged.at_local})}));
      } else if (cfg.can_manage && a.key) {
        parts.push(el("button", {class: "btn small ack", text: T.ack, onclick: function () { acknowledge(a.key); }}));
      }
      list.appendChild(el("li", {class: "alert " + (a.severity || "warning") + (a.acknowledged ? " acked" : ""),
                                 "data-key": a.key || ""}, parts));
    });
  }

  var lastDevices = [];

  function deviceState(d) {
    if (!d.enabled) return "disabled";
    if (d.status && d.status.problem && d.status.problem !== "offline") return "fault";
    return d.online ? "online" : d.last_seen ? "offline" : "never";
  }

  var RANK = {fault: 0, offline: 1, never: 2, online: 3, disabled: 4};

  function renderDevices(devices) {
    lastDevices = devices || lastDevices;
    var list = $("devices");
    list.textContent = "";
    var needle = ($("dev-filter").value || "").trim().toLowerCase();
    var faultsOnly = $("dev-faults").checked;
    var groups = {};
    lastDevices.forEach(function (d) {
      var state = deviceState(d);
      if (faultsOnly && (state === "online" || state === "disabled")) return;
      if (needle && (d.label + " " + d.name).toLowerCase().indexOf(needle) < 0) return;
      (groups[d.kind] = groups[d.kind] || []).push({d: d, state: state});
    });
    Object.keys(groups).sort(function (a, b) {
      function worst(k) { return Math.min.apply(null, groups[k].map(function (x) { return RANK[x.state]; })); }
      return worst(a) - worst(b) || a.localeCompare(b);
    }).forEach(function (kind) {
      var items = groups[kind].sort(function (x, y) { return RANK[x.state] - RANK[y.state] || x.d.label.localeCompare(y.d.label); });
      list.appendChild(el("li", {class: "dev-group", text: (cfg.kinds[kind] || kind) + " (" + items.length + ")"}));
      items.forEach(function (x) {
        list.appendChild(el("li", {"data-health": x.state, "data-kind": kind}, [
          el("span", {class: "dot"}),
          el("span", {class: "dev-name", text: x.d.label}),
          el("span", {class: "dev-state", text: T[x.state]}),
        ]));
      });
    });
  }

  function renderBookings(b) {
    $("bookings-summary").textContent = Live.fmt(T.bookings, {n: b.total || 0, c: b.checked_in || 0, x: b.no_shows || 0});
    var body = $("bookings");
    body.textContent = "";
    (b.per_hour || []).forEach(function (h) {
      var hh = (h.hour < 10 ? "0" : "") + h.hour + ":00";
      body.appendChild(el("tr", {"data-hour": String(h.hour)}, [
        el("td", {text: hh}), el("td", {class: "num", text: String(h.booked)}),
        el("td", {class: "num", text: String(h.checked_in)}), el("td", {class: "num", text: String(h.no_show)}),
      ]));
    });
  }

  function apply(load) {
    renderBookings(load.appointments || {});
    renderTotals(load.totals || {});
    renderWindows(load.windows || []);
    renderServices(load.services || []);
    renderAlerts(load.alerts);
    renderDevices(load.devices);
  }

  // --- waiting chart: inline SVG, no library (one series, a few hundred points at most) ----
  function drawChart(points, compare) {
    var box = $("chart");
    box.textContent = "";
    compare = compare || [];
    if (!points.length && !compare.length) { box.appendChild(el("p", {class: "muted", text: T.no_data})); return; }
    var all = points.concat(compare);
    var W = 600, H = 220, L = 36, B = 24, R = 8, Tp = 10;
    var max = Math.max(4, Math.max.apply(null, all.map(function (p) { return p.waiting; })));
    var times = all.map(function (p) { return Date.parse(p.t); });
    var t0 = Math.min.apply(null, times), t1 = Math.max.apply(null, times);
    var span = Math.max(1, t1 - t0);
    function x(t) { return L + (Date.parse(t) - t0) / span * (W - L - R); }
    function y(v) { return Tp + (1 - v / max) * (H - Tp - B); }
    var ns = "http://www.w3.org/2000/svg";
    function s(tag, attrs, text) {
      var n = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { n.setAttribute(k, attrs[k]); });
      if (text !== undefined) n.textContent = text;
      return n;
    }
    var svg = s("svg", {viewBox: "0 0 " + W + " " + H, class: "chart-svg", role: "img", "aria-label": T.waiting});
    [0, 0.5, 1].forEach(function (f) {
      var v = Math.round(max * f);
      svg.appendChild(s("line", {x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid"}));
      svg.appendChild(s("text", {x: L - 6, y: y(v) + 5, "text-anchor": "end", class: "axis"}, String(v)));
    });
    var lastHour = null;
    all.slice().sort(function (a, b) { return Date.parse(a.t) - Date.parse(b.t); }).forEach(function (p) {
      var d = Live.hallParts(p.t);  // hours of the hall's day, not of the browser's zone
      if (d.minute === 0 && d.hour !== lastHour && (d.hour % 2 === 0 || span < 6 * 3600e3)) {
        lastHour = d.hour;
        svg.appendChild(s("text", {x: x(p.t), y: H - 6, "text-anchor": "middle", class: "axis"}, d.hour + ":00"));
      }
    });
    function line(series) {
      return series.map(function (p, i) { return (i ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p.waiting).toFixed(1); }).join(" ");
    }
    if (compare.length) svg.appendChild(s("path", {d: line(compare), class: "line compare"}));
    if (points.length) {
      var path = line(points);
      var area = path + " L" + x(points[points.length - 1].t).toFixed(1) + " " + y(0) + " L" + x(points[0].t).toFixed(1) + " " + y(0) + " Z";
      svg.appendChild(s("path", {d: area, class: "area"}));
      svg.appendChild(s("path", {d: path, class: "line"}));
    }
    box.appendChild(svg);
    box.appendChild(el("div", {class: "chart-legend"}, [
      el("span", {class: "legend today", text: T.today}), el("span", {class: "legend compare", text: T.last_week}),
    ]));
  }

  // --- staffing advice (Erlang C on the server): one click opens the suggested window -----------
  function renderStaffing(data) {
    var list = $("staffing");
    list.textContent = "";
    (data.groups || []).forEach(function (g) {
      var row = [el("div", {class: "staff-group", text: g.name}),
                 el("small", {text: Live.fmt(T.needed, {n: g.now.needed, o: g.now.open, w: g.now.waiting})})];
      if (g.advice.message) row.push(el("div", {class: "staff-advice " + g.advice.action, text: g.advice.message}));
      if (cfg.can_manage && g.advice.action === "open") {
        g.advice.windows.forEach(function (w) {
          row.push(el("button", {class: "btn small open-advised", "data-window": w.number,
                                 text: Live.fmt(T.open_n, {n: w.number}),
                                 onclick: function () { act(w.state === "paused" ? "resume" : "open", {window: w.id}); }}));
        });
      }
      var n = el("input", {type: "number", min: "0", max: "200", value: String(Math.max(g.now.needed, 1)),
                           class: "what-if-n", "aria-label": T.try});
      var out = el("small", {class: "what-if-out"});
      row.push(el("div", {class: "what-if"}, [n, el("button", {class: "btn small", text: T.try, onclick: function () {
        fetch(cfg.staffing_url + "?what_if=" + encodeURIComponent(g.key + ":" + n.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (d) {
            var x = (d.groups || []).filter(function (y) { return y.key === g.key; })[0];
            if (!x || !x.what_if) return;
            out.textContent = x.what_if.mean_wait_s === null ? Live.fmt(T.what_if_never, {n: x.what_if.windows})
              : Live.fmt(T.what_if, {n: x.what_if.windows, sl: Math.round(x.what_if.service_level * 100),
                                     m: Math.round(x.what_if.mean_wait_s / 60)});
          });
      }}), out]));
      list.appendChild(el("li", {"data-group": g.key, "data-action": g.advice.action}, row));
    });
  }

  function loadStaffing() {
    fetch(cfg.staffing_url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {groups: []}; })
      .then(renderStaffing)
      .catch(function () {});
  }

  function loadSeries() {
    fetch(cfg.series_url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {points: []}; })
      .then(function (d) { drawChart(d.points || [], d.compare || []); })
      .catch(function () {});
  }

  $("dev-filter").addEventListener("input", function () { renderDevices(); });
  $("dev-faults").addEventListener("change", function () { renderDevices(); });

  // 预约限制: citizens blocked after repeated no-shows; a lobby manager lifts one with a reason.
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function loadBlocks() {
    var list = $("blocks");
    if (!list) return;
    fetch(cfg.blocks_url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (blocks) {
        var now = Date.now();
        var active = blocks.filter(function (b) { return !b.lifted_at && new Date(b.until).getTime() > now; });
        list.textContent = "";
        if (!active.length) { list.appendChild(el("li", {class: "muted", text: T.no_blocks})); return; }
        active.forEach(function (b) {
          list.appendChild(el("li", {"data-block": String(b.id)}, [
            el("span", {text: Live.fmt(T.blocked_until, {phone: b.phone, n: b.no_shows, until: b.until.slice(0, 10)}) + " "}),
            el("button", {class: "btn small", text: T.lift, onclick: function () { lift(b); }}),
          ]));
        });
      })
      .catch(function () {});
  }

  function lift(b) {
    var reason = (window.prompt(T.lift_reason, "") || "").trim();
    if (!reason) return;
    fetch(Live.fmt(cfg.lift_url, {id: b.id}), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify({reason: reason}),
    }).then(function (r) {
      return r.json().then(function (d) { if (!r.ok) throw d; return d; });
    }).then(loadBlocks).catch(function (err) {
      $("dash-message").textContent = (err && err.message) || "";
    });
  }

  live = Live.connect({
    path: cfg.socket,
    onSnapshot: apply,
    onFrame: function (f) { if (f.type === "load") apply(f); },
  });
  loadSeries();
  setInterval(loadSeries, 60000);
  loadStaffing();
  setInterval(loadStaffing, 60000);
  loadBlocks();
  setInterval(loadBlocks, 60000);
})();
