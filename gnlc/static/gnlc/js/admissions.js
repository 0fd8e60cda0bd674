// The admission pages' small helpers, loaded with `defer` (no inline script: strict CSP).
// 1. A live word count under the motivation and implementation plan, counted as the
//    server counts (runs of non-space characters); the server checks again on submit.
// 2. Each date with a time (an opening day's 00:00, a deadline's 23:59, an announcement's
//    hour, in the call's zone) shown again in the viewer's own time zone: the same
//    minute, their clock.
(function () {
  "use strict";

  function countWords(text) {
    var words = text.match(/\S+/g);
    return words ? words.length : 0;
  }

  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("data-word-limit") || "200", 10);
    var template = counter.getAttribute("data-template") || "{n} / {max} words";
    function update() {
      var n = countWords(field.value);
      counter.textContent = template.replace("{n}", n).replace("{max}", limit);
      counter.classList.toggle("admissions-counter--over", n > limit);
      counter.setAttribute("data-words", String(n));
    }
    field.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("time[data-local-time]").forEach(function (node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when)) return;
    var local = document.createElement("span");
    local.className = "admissions-local-time";
    var text = when.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "long",
      timeStyle: "short",
    });
    // A translated label such as "Your time: {time}", where the page gives one.
    var label = node.getAttribute("data-local-label");
    local.textContent = label ? label.replace("{time}", text) : text;
    node.after(local);
  });
})();
