// On a narrow screen the main menu folds behind a "menu" button (the brand and the tools stay). Without
// this script nothing folds: every link stays visible, as on a wide screen.
(function () {
  "use strict";
  var header = document.querySelector("header.top");
  var button = header && header.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  header.classList.add("collapsible");
  button.addEventListener("click", function () {
    var open = header.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
