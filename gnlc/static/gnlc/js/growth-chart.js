/* The statistics page's growth chart: Chart.js (from npm), data from a json_script
 * element named by the canvas's data-chart attribute. The table under the chart holds
 * the same figures for anyone who cannot see it. */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var palette = [1, 2, 3, 4, 5].map(function (i) {
      return cssVar("--series-" + i, "#0b63b6");
    });
    data.datasets.forEach(function (dataset, i) {
      dataset.backgroundColor = palette[i % palette.length];
      dataset.borderWidth = 0;
    });
    var text = cssVar("--text-muted", "#555");
    var grid = cssVar("--border", "#ddd");
    new Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, ticks: { color: text }, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
        },
        plugins: { legend: { position: "bottom", labels: { color: text, boxWidth: 14 } } },
      },
    });
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
