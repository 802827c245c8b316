/* 好差评 from the citizen's phone, on the ticket's tracking page: five equal choices, reasons for
 * 不满意 / 非常不满意, an optional comment and phone for the follow-up call. The server checks everything
 * (period, one rating per visit); this page only shows its answer. */
(function () {
  "use strict";
  var form = document.getElementById("rate");
  if (!form) return;
  var cfg = Live.config();
  var T = cfg.text;

  function $(id) { return document.getElementById(id); }

  function level() {
    var picked = form.querySelector("input[name=level]:checked");
    return picked ? parseInt(picked.value, 10) : null;
  }

  form.addEventListener("change", function () {
    var lv = level();
    $("rate-reasons").hidden = !(lv && lv <= cfg.bad_max);
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var lv = level();
    var reasons = lv <= cfg.bad_max ? Array.prototype.map.call(
      form.querySelectorAll("input[name=reasons]:checked"), function (i) { return i.value; }) : [];
    if (lv <= cfg.bad_max && !reasons.length) {
      $("rate-message").textContent = T.pick_reason;
      $("rate-message").hidden = false;
      return;
    }
    $("rate-submit").disabled = true;
    fetch(cfg.rate_url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": cfg.csrf},
      body: JSON.stringify({source: "qr", level: lv, reasons: reasons, comment: form.comment.value,
                            contact_phone: form.contact_phone.value}),
    }).then(function (r) {
      return r.json().then(function (body) { return {ok: r.ok, body: body}; });
    }).then(function (res) {
      if (!res.ok) throw res.body;
      form.hidden = true;
      $("rate-thanks").hidden = false;
    }).catch(function (err) {
      $("rate-submit").disabled = false;
      $("rate-message").textContent = Live.fmt(T.failed, {message: (err && (err.message || err.error)) || ""});
      $("rate-message").hidden = false;
    });
  });
})();
