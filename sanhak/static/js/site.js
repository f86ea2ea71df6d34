// Site-wide behaviour, loaded by every page (base.html). Pages carry no inline scripts or handlers: the
// Content-Security-Policy allows scripts from this site's files only.
(function () {
  "use strict";

  // On a narrow screen the main menu folds behind a "menu" button (the brand and the tools stay).
  // Without this script nothing folds: every link stays visible, as on a wide screen.
  var header = document.querySelector("header.top");
  var button = header && header.querySelector(".menu-toggle");
  if (button) {
    header.classList.add("collapsible");
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // <input data-select-on-click>: a link to copy, selected whole on a click.
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-click")) {
      target.select();
    }
  });

  // <select data-submit-on-change>: a filter that applies itself (a <noscript> button does it without JS).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });
})();
