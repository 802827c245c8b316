/* 叫号终端: one window's actions over its console socket; the server checks and answers every one. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var win = null, current = null, waiting = [];
  var live;

  function $(id) { return document.getElementById(id); }

  function say(text, isError) {
    var m = $("console-message");
    m.textContent = text || "";
    m.className = "message" + (isError ? " error" : " ok");
  }

  function render() {
    if (!win) return;
    // While the window serves, the badge follows its ticket: 已叫号 until the matter starts, then 办理中.
    var badge = win.state === "serving" && current && cfg.ticket_states[current.status] ? current.status : win.state;
    $("win-state").textContent = cfg.ticket_states[badge] && badge !== win.state ? cfg.ticket_states[badge]
                                                                                 : cfg.states[win.state] || win.state;
    $("win-state").dataset.state = badge;
    var mine = win.staff && win.staff.id === cfg.me;
    $("win-staff").textContent = win.staff ? win.staff.name + (win.staff.staff_no ? " (" + win.staff.staff_no + ")" : "")
                                           : T.not_signed_in;
    $("sign-in").hidden = mine;
    $("sign-out").hidden = !mine;
    $("pause-label").textContent = win.state === "paused" ? T.resume : T.pause;
    $("open-label").textContent = win.state === "closed" ? T.open : T.close;
    if (current) {
      $("cur-number").textContent = current.number;
      $("cur-detail").textContent = (current.service_name || "") + " · " + (cfg.statuses[current.status] || current.status);
    } else {
      $("cur-number").textContent = "—";
      $("cur-detail").textContent = "";
    }
    document.body.dataset.state = win.state;
  }

  function renderQueue() {
    var body = $("queue");
    body.textContent = "";
    $("queue-count").textContent = "(" + waiting.length + ")";
    if (!waiting.length) {
      body.appendChild(el("tr", {}, [el("td", {colspan: "5", class: "muted", text: T.nobody})]));
      return;
    }
    waiting.forEach(function (t) {
      body.appendChild(el("tr", {class: t.transferred ? "designated" : ""}, [
        el("td", {class: "num", text: t.number}),
        el("td", {text: t.service_name || t.service}),
        el("td", {text: (cfg.priorities[t.priority] || t.priority) + (t.transferred ? " · " + T.designated : "")}),
        el("td", {text: Live.fmt(T.minutes, {m: Math.floor(t.waited_s / 60)})}),
        el("td", {class: "row-actions"}, [
          el("button", {class: "btn small", text: T.call, onclick: function () { run("call_number", {number: t.number}); }}),
          el("button", {class: "btn small ghost", text: T.upgrade, "data-upgrade": t.number,
                        onclick: function () { upgrade(t.number); }}),
        ]),
      ]));
    });
  }

  /* 办件编号 and applicant type of the visit, sent with 办结 when filled in; emptied once it is done. */
  function filing() {
    var form = $("filing"), out = {};
    var number = form.elements.filing_number.value.trim(), type = form.elements.applicant_type.value;
    if (number) out.filing_number = number;
    if (type) out.applicant_type = type;
    return out;
  }
  $("filing").addEventListener("submit", function (e) { e.preventDefault(); });

  function run(action, args) {
    say("");
    if (action === "finish") args = Object.assign(filing(), args || {});
    return live.act(action, args).then(function (res) {
      if (action === "finish") $("filing").reset();
      if (res.window) win = res.window;
      if (res.ticket !== undefined && ["call_next", "call_number", "recall", "start"].indexOf(action) >= 0) current = res.ticket;
      if (["finish", "skip", "transfer"].indexOf(action) >= 0) current = null;
      if (action === "call_next" && !res.ticket) say(T.nobody);
      else say(Live.fmt(T.did[action] || "", {number: res.ticket ? res.ticket.number : "",
                                              minutes: res.absence ? res.absence.minutes : ""}).trim());
      render();
      return res;
    }).catch(function (err) { say(err.message || err.error, true); });
  }

  function togglePanel(name) {
    ["transfer", "designate", "pause", "absence", "priority"].forEach(function (p) {
      var panel = $("panel-" + p);
      panel.hidden = p === name ? !panel.hidden : true;
      if (!panel.hidden) { var f = panel.querySelector("input,select"); if (f) f.focus(); }
    });
  }

  // Buttons and their keys.
  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () { run(b.dataset.action); });
  });
  document.querySelectorAll("[data-panel]").forEach(function (b) {
    b.addEventListener("click", function () { togglePanel(b.dataset.panel); });
  });
  $("pause-toggle").addEventListener("click", function () {
    if (win && win.state === "paused") run("resume"); else togglePanel("pause");
  });
  /* Ask before what ends the window's service; resolves true on 确定. */
  function confirmFirst(text) {
    var dialog = $("confirm");
    $("confirm-text").textContent = text;
    return new Promise(function (resolve) {
      dialog.returnValue = "";
      dialog.onclose = function () { resolve(dialog.returnValue === "ok"); };
      dialog.showModal();
      $("confirm-no").focus();  // Enter right after F9/F10 must not confirm by itself
    });
  }

  $("open-toggle").addEventListener("click", function () {
    if (win && win.state === "closed") { run("open"); return; }
    confirmFirst(T.confirm_close).then(function (ok) { if (ok) run("close"); });
  });
  $("sign-in").addEventListener("click", function () { run("sign_in"); });
  $("sign-out").addEventListener("click", function () {
    confirmFirst(T.confirm_sign_out).then(function (ok) {
      if (ok) run("sign_out").then(function (r) { if (r) location.href = cfg.choose_url; });
    });
  });
  document.addEventListener("keydown", function (e) {
    if ($("confirm").open) return;  // the dialog has its own keys (Esc cancels)
    var b = document.querySelector('[data-key="' + e.key + '"]');
    if (b && !b.hidden) { e.preventDefault(); b.click(); }
  });

  // Panels.
  var tf = $("panel-transfer");
  cfg.services.forEach(function (s) { tf.service.appendChild(el("option", {value: s.code, text: s.prefix + " " + s.name})); });
  cfg.windows.forEach(function (w) { tf.to_window.appendChild(el("option", {value: w.id, text: w.number + " " + w.name})); });
  tf.addEventListener("submit", function (e) {
    e.preventDefault();
    var args = {};
    if (tf.service.value) args.service = tf.service.value;
    if (tf.to_window.value) args.to_window = Number(tf.to_window.value);
    run("transfer", args).then(function (r) { if (r) tf.hidden = true; });
  });
  var df = $("panel-designate");
  df.addEventListener("submit", function (e) {
    e.preventDefault();
    run("call_number", {number: df.number.value.trim().toUpperCase()}).then(function (r) { if (r) { df.hidden = true; df.reset(); } });
  });
  var af = $("panel-absence");
  af.addEventListener("submit", function (e) {
    e.preventDefault();
    run("short_absence", {minutes: Number(af.minutes.value), note: af.note.value.trim()})
      .then(function (r) { if (r) { af.hidden = true; af.reset(); } });
  });
  var uf = $("panel-priority");
  function upgrade(number) {
    uf.number.value = number;
    uf.hidden = false;
    ["transfer", "designate", "pause", "absence"].forEach(function (p) { $("panel-" + p).hidden = true; });
    uf.reason.focus();
  }
  uf.addEventListener("submit", function (e) {
    e.preventDefault();
    run("change_priority", {number: uf.number.value, priority: uf.priority.value, reason: uf.reason.value.trim()})
      .then(function (r) { if (r) { uf.hidden = true; uf.reset(); } });
  });
  var pf = $("panel-pause");
  pf.addEventListener("submit", function (e) {
    e.preventDefault();
    run("pause", {reason: pf.reason.value, stand_in: pf.stand_in.value.trim()}).then(function (r) { if (r) pf.hidden = true; });
  });

  live = Live.connect({
    path: cfg.socket,
    onSnapshot: function (f) { win = f.window; current = f.current; waiting = f.waiting || []; render(); renderQueue(); },
    onEvent: function (e) {
      switch (e.type) {
        case "window.state": win = e.window; break;
        case "ticket.called":
          current = e.ticket;
          // Off the list at once; the server's next "waiting" frame replaces the list anyway.
          waiting = waiting.filter(function (t) { return t.id !== e.ticket.id; });
          renderQueue();
          break;
        case "ticket.started": current = e.ticket; break;
        case "ticket.finished": case "ticket.skipped": case "ticket.cancelled":
          if (current && e.ticket.id === current.id) current = null; break;
        case "ticket.transferred": if (current && e.from.id === current.id) current = null; break;
      }
      render();
    },
    onFrame: function (f) { if (f.type === "waiting") { waiting = f.waiting; renderQueue(); } },
  });
})();
