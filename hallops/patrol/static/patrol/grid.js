// Camera grid: refresh each snapshot every few seconds (one request per camera at a time, so a
// slow camera never piles up requests) and show one live MJPEG stream at a time, because
// browsers keep only about six connections per host and each live stream holds one.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("page-config").textContent);
  var period = (config.refresh_s || 5) * 1000;

  function refresh(img) {
    var next = new Image();
    var done = function () { setTimeout(function () { refresh(img); }, period); };
    next.onload = function () { img.src = next.src; img.classList.remove("stale"); done(); };
    next.onerror = function () { img.classList.add("stale"); done(); };
    next.src = img.dataset.src + "?t=" + Date.now();
  }
  document.querySelectorAll("img.snap[data-src]").forEach(function (img, i) {
    setTimeout(function () { refresh(img); }, i * 150);  // spread the first requests
  });

  var live = document.getElementById("live");
  var liveImg = document.getElementById("live-img");
  function closeLive() {
    liveImg.removeAttribute("src");  // drops the stream's connection
    live.hidden = true;
  }
  document.getElementById("live-close").addEventListener("click", closeLive);
  document.querySelectorAll(".live-btn").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var fig = btn.closest("[data-camera]");
      closeLive();
      document.getElementById("live-name").textContent = fig.dataset.name;
      liveImg.src = config.base + fig.dataset.camera + "/live.mjpg?t=" + Date.now();
      live.hidden = false;
      live.scrollIntoView({behavior: "smooth"});
    });
  });
  window.addEventListener("pagehide", closeLive);
})();
