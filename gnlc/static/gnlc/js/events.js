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
    var format = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short",
    });
    // The range in the page's language, isolated so that its order survives a
    // right-to-left page ("4 January 2027, 11:00 – 12:30 UTC").
    var range = document.createElement("bdi");
    range.textContent = format.formatRange
      ? format.formatRange(start, end)
      : format.format(start) + " – " + format.format(end);
    element.textContent = element.dataset.label + " ";
    element.appendChild(range);
    element.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-local-time]").forEach(fill);
  });
})();
