/* 评价器 (tablet): after its window finishes a matter, five equal buttons; the rating goes to the server.
 * All five look the same and none is preselected: the pad must never steer the citizen. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var token = Live.deviceToken("pad." + cfg.hall + "." + cfg.window);
  var ticket = null;
  var timer = null;
  var live;

  function $(id) { return document.getElementById(id); }

  function show(step) {
    ["idle", "ask", "thanks"].forEach(function (s) { $("pad-" + s).hidden = s !== step; });
    $("pad-message").hidden = true;
  }

  function ask(t) {
    ticket = t;
    $("pad-prompt").textContent = T.prompt;
    $("pad-ticket").textContent = t.number + (t.service_name ? " · " + t.service_name : "");
    show("ask");
  }

  function rate(level) {
    if (!ticket) return;
    live.act("evaluate", {level: level, ticket: ticket.id}).then(function () {
      ticket = null;
      $("pad-thanks-text").textContent = T.thanks;
      show("thanks");
      clearTimeout(timer);
      timer = setTimeout(function () { show("idle"); }, cfg.thanks_s * 1000);
    }).catch(function (err) {
      $("pad-message").textContent = Live.fmt(T.failed, {message: err.message || err.error});
      $("pad-message").hidden = false;
    });
  }

  cfg.levels.forEach(function (l) {
    $("levels").appendChild(el("button", {class: "btn level", "data-level": l.level, text: l.label,
                                          onclick: function () { rate(l.level); }}));
  });

  live = Live.connect({
    path: cfg.socket, token: token,
    onSnapshot: function () { if (!ticket) show("idle"); },
    onEvent: function (e) { if (e.type === "ticket.finished") ask(e.ticket); },
  });
})();
