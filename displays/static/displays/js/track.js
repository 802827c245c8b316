/* A citizen's phone following one ticket: people ahead, estimate, and the window once called.
 *
 * Alerts do not rely on vibration (iOS Safari has none): when the call is near (the server's
 * position, cfg.near_ahead or fewer ahead) and when it comes, the page shows a banner, changes
 * its title, rings (an AudioContext unlocked by the citizen's tap on 开启到号提醒) and shows a
 * notification where the browser allows one; it vibrates too where it can. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var ticket = null;
  var alerted = {};
  var audio = null;
  var baseTitle = document.title;

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
      $("t-estimate").textContent = Live.waitText(estimate, T.estimate, T.no_wait);
      var near = ahead <= cfg.near_ahead;
      $("t-near").hidden = !near;
      if (near) {
        $("t-near").textContent = Live.fmt(T.near, {n: ahead});
        document.title = Live.fmt(T.near_title, {number: ticket.number});
        notify("near", T.notify_near, Live.fmt(T.near, {n: ahead}));
      }
    }
    if (!waiting) $("t-near").hidden = true;
    var called = ticket.window && (ticket.status === "called" || ticket.status === "serving");
    $("t-called").hidden = !called;
    if (called) {
      $("t-window").textContent = Live.fmt(T.go_to, {window: ticket.window.number});
      document.title = Live.fmt(T.called_title, {window: ticket.window.number, number: ticket.number});
    } else if (!waiting) {
      document.title = baseTitle;
    }
    document.body.dataset.status = ticket.status;
  }

  function ring(times) {
    if (!audio) return;
    try {
      for (var i = 0; i < times; i++) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        osc.connect(gain);
        gain.connect(audio.destination);
        var t0 = audio.currentTime + i * 0.9;
        osc.start(t0);
        osc.stop(t0 + 0.5);
      }
    } catch (e) { /* the banner and the title still say it */ }
  }

  function notify(key, title, body) {
    if (alerted[key]) return;
    alerted[key] = true;
    document.body.dataset.alerted = Object.keys(alerted).join(" ");
    ring(key === "near" ? 2 : 3);
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification(title, {body: body, tag: "hallops-" + key}); } catch (e) { /* page alert is enough */ }
    }
  }

  // A tap is what lets a phone's browser play sound later (iOS); it also asks for notifications.
  $("t-alerts").addEventListener("click", function () {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) audio = new Ctx();
      if (audio && audio.resume) audio.resume();
    } catch (e) { audio = null; }
    if ("Notification" in window && Notification.permission === "default" && Notification.requestPermission) {
      try { Notification.requestPermission(); } catch (e) { /* older Safari: callback form; not needed */ }
    }
    $("t-alerts").hidden = true;
    $("t-alerts-on").hidden = false;
    $("t-alerts-on").textContent = T.alerts_on;
    document.body.dataset.alerts = "on";
  });

  Live.connect({
    path: cfg.socket,
    onSnapshot: function (f) { ticket = f.ticket; render(f.ahead, f.estimated_wait_s); },
    onEvent: function (e) {
      ticket = e.ticket;
      // Finished: the server decides whether the phone may rate now; reload once to get its form.
      if (ticket.status === "done" && !cfg.rating) { location.reload(); return; }
      if (e.type === "ticket.called") {
        if (e.window) ticket.window = e.window;
        notify("called-" + e.seq, T.called, Live.fmt(T.go_to, {window: (e.window || {}).number}));
      }
      render();
    },
    onFrame: function (f) { if (f.type === "ticket.ahead") render(f.ahead, f.estimated_wait_s); },
  });
})();
