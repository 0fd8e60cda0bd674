/* An event's times in the visitor's own time zone, beside the event's own.
 *
 * Each [data-local-time] carries the event's instants (data-start, data-end, ISO 8601
 * with offset) and zone (data-zone). Where the visitor's zone differs, the element is
 * filled with "Your time: ..." in the page's language and shown; otherwise it stays
 * hidden. Without JavaScript the event's own times are there already.
 */
(function () {
  "use strict";

  function fill(element) {
    var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!own || own === element.dataset.zone) return;
    var start = new Date(element.dataset.start);
    var end = new Date(element.dataset.end);
    if (isNaN(start) || isNaN(end)) return;
    var lang = document.documentElement.lang || undefined;
    var day = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit",
    });
    var hour = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    element.textContent = element.dataset.label + " " + day.format(start) + "–" + hour.format(end);
    element.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-local-time]").forEach(fill);
  });
})();
