/*
 * Shop forms (progressive enhancement only): when a form comes back with errors,
 * move focus to the error summary at the top so keyboard and screen-reader users
 * land on the list of what to fix (the GOV.UK pattern). Each summary entry links
 * to its field; the link moves focus there without JavaScript too.
 */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
