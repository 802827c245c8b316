/* 窗口屏: the window, who serves at it, and the number being served. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var token = Live.deviceToken("window." + cfg.hall + "." + cfg.window);
  var win = null;
  var current = null;

  function $(id) { return document.getElementById(id); }

  function render() {
    if (!win) return;
    $("w-number").textContent = win.number;
    $("w-name").textContent = win.name;
    var staff = win.staff;
    $("staff-card").hidden = !staff;
    if (staff) {
      $("staff-name").textContent = staff.name;
      $("staff-title").textContent = staff.title || "";
      $("staff-no").textContent = staff.staff_no ? T.staff_no + " " + staff.staff_no : "";
      var photo = $("staff-photo");
      photo.hidden = !staff.photo;
      if (staff.photo && photo.getAttribute("src") !== staff.photo) photo.src = staff.photo;
      photo.onerror = function () { photo.hidden = true; };
    }
    var label = $("cur-label"), number = $("cur-number");
    document.body.dataset.state = win.state;
    if (win.state === "paused") {
      label.textContent = "";
      number.textContent = T.paused;
      number.className = "ticket-number state-text";
    } else if (win.state === "closed") {
      label.textContent = "";
      number.textContent = T.closed;
      number.className = "ticket-number state-text";
    } else if (current) {
      label.textContent = current.status === "serving" ? T.serving : T.calling;
      number.textContent = current.number;
      number.className = "ticket-number";
    } else {
      label.textContent = "";
      number.textContent = T.idle;
      number.className = "ticket-number state-text";
    }
  }

  function gone(t) { if (current && t && t.id === current.id) current = null; }

  Live.connect({
    path: cfg.socket, token: token,
    onSnapshot: function (f) { win = f.window; current = f.current; render(); },
    onEvent: function (e) {
      switch (e.type) {
        case "ticket.called": current = e.ticket; break;
        case "ticket.started": if (current && e.ticket.id === current.id) current = e.ticket; break;
        case "ticket.finished": case "ticket.skipped": case "ticket.cancelled": gone(e.ticket); break;
        case "ticket.transferred": gone(e.from); break;
        case "window.state": win = e.window; break;
      }
      render();
    },
  });
})();
