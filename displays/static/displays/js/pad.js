/* 评价器 (tablet): after its window finishes a matter, five equal buttons; the rating goes to the server.
 * All five look the same and none is preselected: the pad must never steer the citizen.
 * 不满意 / 非常不满意 then ask why, from the hall's configured list, with an optional comment. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var token = Live.deviceToken("pad." + cfg.hall + "." + cfg.window);
  var ticket = null;
  var pending = null;  // the bad level waiting for its reasons
  var timer = null;
  var live;

  function $(id) { return document.getElementById(id); }

  function show(step) {
    ["idle", "ask", "reasons", "thanks"].forEach(function (s) { $("pad-" + s).hidden = s !== step; });
    $("pad-message").hidden = true;
  }

  function fail(text) {
    $("pad-message").textContent = text;
    $("pad-message").hidden = false;
  }

  function ask(t) {
    ticket = t;
    pending = null;
    $("pad-prompt").textContent = T.prompt;
    $("pad-ticket").textContent = t.number + (t.service_name ? " · " + t.service_name : "");
    show("ask");
    // Nobody rated: back to the staff card after a while, so the next citizen is not asked about this one.
    clearTimeout(timer);
    timer = setTimeout(function () { ticket = null; pending = null; show("idle"); }, cfg.ask_s * 1000);
  }

  /* The staff card: name, 工号 and photo of whoever is signed in at the window. */
  var staff = null;
  function staffCard(who, serving) {
    $("pad-staff").hidden = !who;
    $("pad-serving").hidden = !(who && serving);
    if (!who) return;
    $("pad-staff-name").textContent = who.name;
    $("pad-staff-no").textContent = who.staff_no ? T.staff_no + " " + who.staff_no : "";
    var photo = $("pad-photo");
    photo.hidden = !who.photo;
    if (who.photo && photo.getAttribute("src") !== who.photo) photo.src = who.photo;
    photo.onerror = function () { photo.hidden = true; };
  }

  function askReasons(level) {
    pending = level;
    $("pad-reasons-prompt").textContent = T.reasons;
    Array.prototype.forEach.call(document.querySelectorAll("#reasons input"), function (i) { i.checked = false; });
    $("pad-comment").value = "";
    show("reasons");
  }

  function send(payload) {
    live.act("evaluate", payload).then(function () {
      ticket = null;
      pending = null;
      $("pad-thanks-text").textContent = T.thanks;
      show("thanks");
      clearTimeout(timer);
      timer = setTimeout(function () { show("idle"); }, cfg.thanks_s * 1000);
    }).catch(function (err) {
      fail(Live.fmt(T.failed, {message: err.message || err.error}));
    });
  }

  function rate(level) {
    if (!ticket) return;
    if (level <= cfg.bad_max && cfg.reasons.length) return askReasons(level);
    send({level: level, ticket: ticket.id});
  }

  function submitReasons() {
    var picked = Array.prototype.map.call(document.querySelectorAll("#reasons input:checked"),
                                          function (i) { return i.value; });
    if (!picked.length) return fail(T.pick_reason);
    send({level: pending, ticket: ticket.id, reasons: picked, comment: $("pad-comment").value});
  }

  cfg.levels.forEach(function (l) {
    $("levels").appendChild(el("button", {class: "btn level", "data-level": l.level, text: l.label,
                                          onclick: function () { rate(l.level); }}));
  });
  cfg.reasons.forEach(function (r) {
    var box = el("input", {type: "checkbox", value: r.code});
    var label = el("label", {class: "btn reason"});
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + r.text));
    $("reasons").appendChild(label);
  });
  $("pad-comment").placeholder = T.comment;
  $("pad-back").textContent = T.back;
  $("pad-back").onclick = function () { if (ticket) ask(ticket); };
  $("pad-submit").textContent = T.submit;
  $("pad-submit").onclick = submitReasons;

  live = Live.connect({
    path: cfg.socket, token: token,
    onSnapshot: function (f) { staff = f.staff; staffCard(staff, f.serving); if (!ticket) show("idle"); },
    onEvent: function (e) {
      if (e.type === "ticket.finished") { staffCard(staff, false); ask(e.ticket); }
      else if (e.type === "window.state") { staff = e.staff; staffCard(staff, false); }
      else if (e.type === "ticket.called" || e.type === "ticket.started") staffCard(staff, true);
    },
  });
})();
