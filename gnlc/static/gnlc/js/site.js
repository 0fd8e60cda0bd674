// Behaviour shared by every page, loaded after htmx (both deferred, in order).
"use strict";

// Filter forms sent by htmx with GET put their address in the history: leave out the
// fields left empty, so the address is the short one a person would share
// (/members/?region=africa, not /members/?q=&as_of=&region=africa&...), as the server
// would also read it.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get") return;
  const parameters = event.detail.parameters;
  const names = parameters instanceof FormData ? [...parameters.keys()] : Object.keys(parameters);
  for (const name of new Set(names)) {
    const values = parameters instanceof FormData ? parameters.getAll(name) : [parameters[name]].flat();
    if (values.every((value) => value === "" || value === undefined || value === null)) {
      if (parameters instanceof FormData) parameters.delete(name);
      else delete parameters[name];
    }
  }
});

// The header (gnlc/templates/partials/site_header.html). On a phone the Menu button
// unfolds the links; it is hidden until this script runs, so without JavaScript the
// links simply show. The <details> menus (More, language, account) open by themselves;
// here they also close on Escape (focus back on their button), on a click elsewhere, and
// when another one opens, as people expect of a menu.
(function () {
  const header = document.querySelector("[data-site-header]");
  if (!header) return;
  const toggle = header.querySelector("[data-menu-toggle]");
  const menus = [...header.querySelectorAll("details[data-menu]")];

  function setOpen(open) {
    header.classList.toggle("is-open", open);
    toggle.setAttribute("aria-expanded", String(open));
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => setOpen(!header.classList.contains("is-open")));
  }

  for (const menu of menus) {
    menu.addEventListener("toggle", () => {
      if (!menu.open) return;
      for (const other of menus) if (other !== menu && other.contains(menu) === false) other.open = false;
    });
  }

  document.addEventListener("click", (event) => {
    for (const menu of menus) if (menu.open && !menu.contains(event.target)) menu.open = false;
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = menus.find((menu) => menu.open);
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (toggle && header.classList.contains("is-open") && header.contains(document.activeElement)) {
      setOpen(false);
      toggle.focus();
    }
  });
})();

// The facets of the directory and the library start folded on a phone, so the results
// come first; once a person opens or closes them, that choice survives the swaps of the
// results (each swap brings a new, open panel).
(function () {
  const phone = window.matchMedia("(max-width: 800px)");
  let open = null;

  function fold() {
    const panel = document.querySelector("details[data-fold-on-phone]");
    if (!panel || panel.dataset.folded) return;
    panel.dataset.folded = "1";
    if (open === null) open = !phone.matches;
    panel.open = open || !phone.matches;
    panel.addEventListener("toggle", () => { if (phone.matches) open = panel.open; });
  }

  document.addEventListener("DOMContentLoaded", fold);
  document.addEventListener("htmx:afterSettle", fold);
})();
