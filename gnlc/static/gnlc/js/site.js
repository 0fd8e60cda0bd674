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
