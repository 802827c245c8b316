/* A citizen's phone following one ticket: people ahead, estimate, and the window once called. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var ticket = null;
  var alerted = {};

  function $(id) { return document.getElementById(id); }

  function render(ahead, estimate) {
    if (!ticket) return;
    $("t-number").textContent = ticket.number;
    if (ticket.service) $("t-service").textContent = ticket.service.name || "";
    $("t-status").textContent = cfg.statuses[ticket.status] || ticket.status;
    var waiting = ticket.status === "waiting";
    $("t-waiting").hidden = !waiting;
    if (waiting && ahead !== undefined) {
      $("t-ahead").textContent = Live.fmt(T.ahead, {n: ahead});
      $("t-estimate").textContent = Live.fmt(T.estimate, {m: Live.minutes(estimate)});
    }
    var called = ticket.window && (ticket.status === "called" || ticket.status === "serving");
    $("t-called").hidden = !called;
    if (called) $("t-window").textContent = Live.fmt(T.go_to, {window: ticket.window.number});
    document.body.dataset.status = ticket.status;
  }

  function notify(key) {
    if (alerted[key]) return;
    alerted[key] = true;
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      var osc = ctx.createOscillator();
      osc.frequency.value = 880;
      osc.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.6);
    } catch (e) { /* no sound allowed before a tap; the vibration and the page say it */ }
  }

  Live.connect({
    path: cfg.socket,
    onSnapshot: function (f) { ticket = f.ticket; render(f.ahead, f.estimated_wait_s); },
    onEvent: function (e) {
      ticket = e.ticket;
      // Finished: the server decides whether the phone may rate now; reload once to get its form.
      if (ticket.status === "done" && !cfg.rating) { location.reload(); return; }
      if (e.type === "ticket.called") {
        if (e.window) ticket.window = e.window;
        notify(e.seq);
      }
      render();
    },
    onFrame: function (f) { if (f.type === "ticket.ahead") render(f.ahead, f.estimated_wait_s); },
  });
})();
