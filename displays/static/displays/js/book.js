/* 预约 on a phone: matter → day → slot → name/phone(/ID) → the booking page with code and QR.
 * The server decides everything (bookable days, slots, places, limits); this only renders. */
(function () {
  "use strict";
  var cfg = Live.config();
  var T = cfg.text;
  var el = Live.el;
  var chosen = {service: null, day: null, slot: null};
  var info = null;

  function $(id) { return document.getElementById(id); }

  function show(step) {
    ["service", "day", "slot", "form"].forEach(function (s) { $("step-" + s).hidden = s !== step; });
    message(null);
  }

  function message(text) {
    $("book-message").hidden = !text;
    $("book-message").textContent = text || "";
  }

  function call(url, body) {
    var opts = {headers: {"Accept": "application/json"}, credentials: "same-origin"};
    if (body) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw data;
        return data;
      });
    });
  }

  function fail(err) { message((err && err.message) || T.failed); }

  function hhmm(iso) { return iso.slice(11, 16); }

  function dayLabel(d) {
    var wd = (new Date(d + "T12:00:00").getDay() + 6) % 7;
    return d.slice(5) + " " + T.weekdays[wd];
  }

  function renderServices() {
    var box = $("services");
    box.textContent = "";
    if (!info.services.length) { box.appendChild(el("p", {class: "muted", text: T.no_services})); return; }
    info.services.forEach(function (s) {
      box.appendChild(el("button", {
        class: "btn big wide", "data-service": s.code, text: s.name,
        onclick: function () { chosen.service = s; renderDays(); show("day"); },
      }));
    });
  }

  function renderDays() {
    $("chosen-service").textContent = chosen.service.name;
    var box = $("days");
    box.textContent = "";
    info.days.forEach(function (d) {
      box.appendChild(el("button", {
        class: "btn big", "data-day": d, text: dayLabel(d),
        onclick: function () { chosen.day = d; loadSlots(); },
      }));
    });
  }

  function loadSlots() {
    var url = cfg.slots_url.replace("{service}", encodeURIComponent(chosen.service.code)).replace("{date}", chosen.day);
    call(url).then(function (list) {
      $("chosen-day").textContent = chosen.service.name + " · " + dayLabel(chosen.day);
      var box = $("slots");
      box.textContent = "";
      if (!list.length) box.appendChild(el("p", {class: "muted", text: T.no_slots}));
      list.forEach(function (s) {
        var b = el("button", {
          class: "btn big wide slot", "data-slot": s.start,
          text: hhmm(s.start) + "–" + hhmm(s.end) + "  " + (s.available ? Live.fmt(T.left, {n: s.available}) : T.full),
          onclick: function () { chosen.slot = s; renderForm(); show("form"); },
        });
        b.disabled = !s.available;
        box.appendChild(b);
      });
      show("slot");
    }).catch(fail);
  }

  function renderForm() {
    $("chosen-slot").textContent = chosen.service.name + " · " + dayLabel(chosen.day) + " " +
      hhmm(chosen.slot.start) + "–" + hhmm(chosen.slot.end);
    $("f-id-label").hidden = !chosen.service.needs_id_number;
    $("f-id").required = chosen.service.needs_id_number;
  }

  $("book-form").addEventListener("submit", function (e) {
    e.preventDefault();
    $("f-submit").disabled = true;
    var body = {service: chosen.service.code, slot_start: chosen.slot.start,
                name: $("f-name").value, phone: $("f-phone").value};
    if ($("f-id").value) body.id_number = $("f-id").value;
    call(cfg.book_url, body).then(function (appt) {
      window.location.href = "/b/" + appt.code + "/";
    }).catch(function (err) {
      fail(err);
      $("f-submit").disabled = false;
      if (err && err.error === "slot_full") loadSlots();
    });
  });

  document.querySelectorAll("[data-back]").forEach(function (b) {
    b.addEventListener("click", function () { show(b.getAttribute("data-back")); });
  });

  call(cfg.info_url).then(function (data) { info = data; renderServices(); }).catch(fail);
})();
