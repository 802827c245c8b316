// Draws the report's chart from the figures the server put in the page (no figure is computed here).
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const canvas = document.getElementById("report-chart");
  if (!window.Chart || !canvas) return;
  const colours = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e"];
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: colours[i % colours.length] })),
    },
    options: { animation: false, responsive: true, aspectRatio: 3.5, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  canvas.dataset.drawn = "1";
})();
