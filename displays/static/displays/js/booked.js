/* 我的预约: cancel through the API; the server says whether it is still allowed. */
(function () {
  "use strict";
  var cfg = Live.config();
  var button = document.getElementById("b-cancel");
  var msg = document.getElementById("book-message");
  if (!button) return;
  button.addEventListener("click", function () {
    if (!window.confirm(cfg.text.confirm)) return;
    button.disabled = true;
    fetch(cfg.cancel_url, {method: "POST", headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) throw d; return d; }); })
      .then(function () {
        msg.className = "message ok"; msg.textContent = cfg.text.cancelled; msg.hidden = false;
        document.getElementById("b-status").textContent = cfg.text.cancelled;
        button.hidden = true;
      })
      .catch(function (err) {
        msg.className = "message error"; msg.textContent = (err && err.message) || cfg.text.failed; msg.hidden = false;
        button.disabled = false;
      });
  });
})();
