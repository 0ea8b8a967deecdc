/*
 * The header menu (progressive enhancement only). Without JavaScript it is a
 * <details> element that opens and closes on its own. Here: Escape closes it and
 * returns focus to the Menu button, and a click outside it closes it.
 */
(function () {
  "use strict";

  var menu = document.querySelector("[data-site-menu]");
  if (!menu) {
    return;
  }
  var toggle = menu.querySelector("summary");

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      toggle.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) {
      menu.open = false;
    }
  });
})();
