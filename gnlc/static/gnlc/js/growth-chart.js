/* The statistics page's charts: Chart.js (from npm), data from a json_script element
 * named by the canvas's data-chart attribute. The data's optional "type" is "line" or
 * "bar" (grouped); without it the chart is the stacked bar chart of growth by region.
 * The table under each chart holds the same figures for anyone who cannot see it. */
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
    var type = data.type || "bar";
    var stacked = !data.type;
    data.datasets.forEach(function (dataset, i) {
      dataset.backgroundColor = palette[i % palette.length];
      dataset.borderColor = palette[i % palette.length];
      dataset.borderWidth = type === "line" ? 2 : 0;
    });
    var text = cssVar("--text-muted", "#555");
    var grid = cssVar("--border", "#ddd");
    new Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: stacked, ticks: { color: text }, grid: { display: false } },
          y: { stacked: stacked, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
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
