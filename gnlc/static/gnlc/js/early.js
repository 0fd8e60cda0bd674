// Loaded (not deferred) in <head>: tells the stylesheet that scripts run, before the
// body is drawn, so menus that site.js folds never flash open on a phone.
document.documentElement.classList.add("js");
