// The role form (invite a person, give a role): show only the part of the chosen role
// (its country, its member city, the juror's profile). Without this script every part
// shows, each under its own heading, and only the chosen role's part counts.
(function () {
  "use strict";

  function update(form) {
    const checked = form.querySelector('input[name$="kind"]:checked');
    const kind = checked ? checked.value : "";
    form.querySelectorAll(".people-scope[data-role]").forEach(function (part) {
      part.hidden = part.dataset.role !== kind;
    });
    const note = form.querySelector(".people-scope-note");
    if (note) note.hidden = true;
  }

  document.querySelectorAll("form.people-form").forEach(function (form) {
    update(form);
    form.querySelectorAll('input[name$="kind"]').forEach(function (radio) {
      radio.addEventListener("change", function () { update(form); });
    });
  });
})();
