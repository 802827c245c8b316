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
    live.act(action, args).catch(function (err) { say(err.message || err.error, true); });
  }

  function tileActions(w) {
    if (!cfg.can_manage) return null;
    var b = [];
    function btn(label, fn) { b.push(el("button", {class: "btn small", text: label, onclick: fn})); }
    if (w.state === "closed") btn(T.open, function () { act("open", {window: w.id}); });
    if (w.state === "open" || w.state === "serving") {
      btn(T.pause, function () {
        var reason = window.prompt(T.pause_reason, "");
        if (reason !== null) act("pause", {window: w.id, reason: reason});
      });
    }
    if (w.state === "paused") btn(T.resume, function () { act("resume", {window: w.id}); });
    if (w.state !== "closed") btn(T.close, function () { act("close", {window: w.id}); });
    if (w.current_ticket) {
      btn(T.transfer, function () {
        var target = (window.prompt(T.transfer_to, "") || "").trim();
        if (!target) return;
        if (target.charAt(0) === "#") {
          var n = target.slice(1);
          var to = cfg.windows.filter(function (x) { return x.number === n; })[0];
          act("transfer", {window: w.id, to_window: to ? to.id : -1});
        } else {
          act("transfer", {window: w.id, service: target});
        }
      });
    }
    return el("div", {class: "tile-actions"}, b);
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
      body.appendChild(el("tr", {class: s.waiting ? "" : "none"}, [
        el("td", {text: s.prefix + " " + s.name}),
        el("td", {class: "num", text: String(s.waiting)}),
        el("td", {text: s.waiting ? Live.fmt(T.minutes, {m: mins(s.longest_wait_s)}) : "—"}),
        el("td", {text: s.waiting ? Live.fmt(T.minutes, {m: Live.minutes(s.estimated_wait_s)}) : "—"}),
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
      list.appendChild(el("li", {class: "alert " + (a.severity || "warning"), text: a.message}));
    });
  }

  function renderDevices(devices) {
    var list = $("devices");
    list.textContent = "";
    (devices || []).forEach(function (d) {
      var state = !d.enabled ? "disabled" : d.online ? "online" : d.last_seen ? "offline" : "never";
      list.appendChild(el("li", {"data-health": state}, [
        el("span", {class: "dot"}),
        el("span", {class: "dev-name", text: (cfg.kinds[d.kind] || d.kind) + " " + d.name}),
        el("span", {class: "dev-state", text: T[state]}),
      ]));
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
  function drawChart(points) {
    var box = $("chart");
    box.textContent = "";
    if (!points.length) { box.appendChild(el("p", {class: "muted", text: T.no_data})); return; }
    var W = 600, H = 220, L = 36, B = 24, R = 8, Tp = 10;
    var max = Math.max(4, Math.max.apply(null, points.map(function (p) { return p.waiting; })));
    var t0 = Date.parse(points[0].t), t1 = Date.parse(points[points.length - 1].t);
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
    points.forEach(function (p) {
      var d = new Date(p.t);
      if (d.getMinutes() === 0 && d.getHours() !== lastHour && (d.getHours() % 2 === 0 || span < 6 * 3600e3)) {
        lastHour = d.getHours();
        svg.appendChild(s("text", {x: x(p.t), y: H - 6, "text-anchor": "middle", class: "axis"}, d.getHours() + ":00"));
      }
    });
    var path = points.map(function (p, i) { return (i ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p.waiting).toFixed(1); }).join(" ");
    var area = path + " L" + x(points[points.length - 1].t).toFixed(1) + " " + y(0) + " L" + L + " " + y(0) + " Z";
    svg.appendChild(s("path", {d: area, class: "area"}));
    svg.appendChild(s("path", {d: path, class: "line"}));
    box.appendChild(svg);
  }

  function loadSeries() {
    fetch(cfg.series_url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {points: []}; })
      .then(function (d) { drawChart(d.points || []); })
      .catch(function () {});
  }

  live = Live.connect({
    path: cfg.socket,
    onSnapshot: apply,
    onFrame: function (f) { if (f.type === "load") apply(f); },
  });
  loadSeries();
  setInterval(loadSeries, 60000);
})();
