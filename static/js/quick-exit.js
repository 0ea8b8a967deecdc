/*
 * Quick exit (the GOV.UK "Exit this page" pattern).
 *
 * Without JavaScript the button is a plain link to a neutral site. With it, the
 * button, or the Shift key pressed three times within five seconds, hides this
 * page at once and replaces it with the neutral site through location.replace,
 * so Back does not return to this page. Back still reaches the pages visited
 * before it, and it does not erase browser history: the Browsing safely page
 * says so. The "or press Shift 3 times" hint is added here, so it appears only
 * when the shortcut works.
 */
(function () {
  "use strict";

  var container = document.querySelector("[data-quick-exit]");
  if (!container) {
    return;
  }
  var button = container.querySelector("[data-quick-exit-button]");
  var target = button.getAttribute("href");
  var PRESSES = 3;
  var WINDOW_MS = 5000;
  var presses = [];

  function exitNow(event) {
    if (event) {
      event.preventDefault();
    }
    document.documentElement.classList.add("is-exiting");
    document.title = "Loading";
    window.location.replace(target);
  }

  button.addEventListener("click", exitNow);

  var hintText = container.getAttribute("data-quick-exit-hint");
  if (hintText) {
    var hint = document.createElement("p");
    hint.className = "quick-exit__hint";
    hint.textContent = hintText;
    button.insertAdjacentElement("afterend", hint);
  }

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = [];
      return;
    }
    var now = Date.now();
    presses = presses.filter(function (time) {
      return now - time < WINDOW_MS;
    });
    presses.push(now);
    if (presses.length >= PRESSES) {
      presses = [];
      exitNow();
    }
  });

  // Coming back through the bfcache would show the page again: hide it there too.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.documentElement.classList.contains("is-exiting")) {
      exitNow();
    }
  });
})();
