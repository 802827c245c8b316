// Region editor: click points on the snapshot to draw the seat / counter / waiting polygons.
// Points are kept relative (0..1) to the picture, as the patrol agent uses them.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("page-config").textContent);
  var colours = {seat: "#e53935", counter: "#1e88e5", waiting: "#43a047"};
  var regions = {seat: [], counter: [], waiting: []};
  Object.keys(config.regions || {}).forEach(function (k) {
    var pts = config.regions[k];
    if (pts && pts.length === 4 && typeof pts[0] === "number") {  // a rect x0,y0,x1,y1
      pts = [[pts[0], pts[1]], [pts[2], pts[1]], [pts[2], pts[3]], [pts[0], pts[3]]];
    }
    regions[k] = pts || [];
  });
  var img = document.getElementById("frame");
  var canvas = document.getElementById("canvas");
  var ctx = canvas.getContext("2d");
  var status = document.getElementById("status");

  function kind() { return document.querySelector("input[name=kind]:checked").value; }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : document.querySelector("[name=csrfmiddlewaretoken]").value;
  }
  function draw() {
    canvas.width = img.clientWidth; canvas.height = img.clientHeight;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    Object.keys(regions).forEach(function (k) {
      var pts = regions[k];
      if (!pts.length) return;
      ctx.strokeStyle = colours[k]; ctx.fillStyle = colours[k] + "33"; ctx.lineWidth = 2;
      ctx.beginPath();
      pts.forEach(function (p, i) {
        var x = p[0] * canvas.width, y = p[1] * canvas.height;
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      if (pts.length > 2) { ctx.closePath(); ctx.fill(); }
      ctx.stroke();
      pts.forEach(function (p) { ctx.fillStyle = colours[k]; ctx.fillRect(p[0] * canvas.width - 3, p[1] * canvas.height - 3, 6, 6); });
    });
  }
  canvas.addEventListener("click", function (e) {
    var r = canvas.getBoundingClientRect();
    var x = (e.clientX - r.left) / r.width, y = (e.clientY - r.top) / r.height;
    regions[kind()].push([Math.round(x * 10000) / 10000, Math.round(y * 10000) / 10000]);
    status.textContent = "";
    draw();
  });
  document.getElementById("undo").addEventListener("click", function () { regions[kind()].pop(); draw(); });
  document.getElementById("clear").addEventListener("click", function () { regions[kind()] = []; draw(); });
  document.getElementById("save").addEventListener("click", function () {
    var body = {};
    Object.keys(regions).forEach(function (k) { if (regions[k].length >= 3) body[k] = regions[k]; });
    fetch(config.save_url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()},
      body: JSON.stringify({regions: body})
    }).then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) { status.textContent = res[0] ? config.text.saved : config.text.failed_because.replace("{message}", res[1].message || ""); })
      .catch(function () { status.textContent = config.text.failed; });
  });
  img.addEventListener("load", draw);
  window.addEventListener("resize", draw);
  img.src = config.image_url + "?t=" + Date.now();
})();
