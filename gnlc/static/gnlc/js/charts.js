/* The charts of the statistics page and the reporting dashboard: Chart.js (from npm),
 * data from the json_script element named by each canvas's data-chart attribute
 * (templates/partials/chart.html). The data's optional "type" is "line" or "bar" (the
 * default); data-stacked and data-horizontal on the canvas choose the layout. The table
 * beside each chart holds the same figures for anyone who cannot see it. */
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
    data.datasets.forEach(function (dataset, i) {
      dataset.backgroundColor = palette[i % palette.length];
      dataset.borderColor = palette[i % palette.length];
      dataset.borderWidth = type === "line" ? 2 : 0;
    });
    var stacked = canvas.dataset.stacked === "1";
    var horizontal = canvas.dataset.horizontal === "1";
    var text = cssVar("--text-muted", "#555");
    var grid = cssVar("--border", "#ddd");
    var value = { stacked: stacked, beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } };
    var category = { stacked: stacked, ticks: { color: text }, grid: { display: false } };
    new Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: { legend: { position: "bottom", labels: { color: text, boxWidth: 14 } } },
      },
    });
    canvas.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
