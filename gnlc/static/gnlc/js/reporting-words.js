/* Word counters under the report's narratives, counted as the server counts them (runs
 * of non-space characters); the server checks the limit again on submission. */
(function () {
  "use strict";

  function words(text) {
    var found = text.match(/\S+/g);
    return found ? found.length : 0;
  }

  function attach(counter) {
    var field = document.getElementById(counter.dataset.counterFor);
    if (!field) return;
    var limit = parseInt(field.dataset.wordLimit, 10);
    var template = counter.dataset.template || "{n} / {max}";
    function update() {
      var n = words(field.value);
      counter.textContent = template.replace("{n}", n).replace("{max}", limit);
      counter.classList.toggle("reporting-counter--over", n > limit);
    }
    field.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-counter-for]").forEach(attach);
  });
})();
