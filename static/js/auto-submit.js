/*
 * Filters that apply as soon as a choice is made (progressive enhancement only).
 * Without JavaScript the form's own button submits it. With it, changing a select
 * in a form marked data-auto-submit submits the form, the button is hidden, and a
 * note says so beforehand (WCAG 3.2.2). After the page reloads, focus returns to
 * the select that was changed, so keyboard users keep their place.
 */
(function () {
  "use strict";

  var KEY = "auto-submit-focus";
  var forms = document.querySelectorAll("form[data-auto-submit]");
  Array.prototype.forEach.call(forms, function (form) {
    var button = form.querySelector("[data-auto-submit-button]");
    if (button) {
      button.hidden = true;
    }
    var note = form.getAttribute("data-auto-submit");
    if (note) {
      var hint = document.createElement("p");
      hint.className = "auto-submit__note small muted";
      hint.id = (form.id || "filters") + "-auto-submit-note";
      hint.textContent = note;
      form.insertBefore(hint, form.firstChild);
      form.setAttribute("aria-describedby", hint.id);
    }
    form.addEventListener("change", function (event) {
      if (event.target.tagName !== "SELECT") {
        return;
      }
      try {
        window.sessionStorage.setItem(KEY, event.target.id);
      } catch (error) {
        // Storage can be off (private windows): only the focus is lost.
      }
      form.submit();
    });
  });

  try {
    var id = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    var field = id && document.getElementById(id);
    if (field) {
      field.focus();
    }
  } catch (error) {
    // See above.
  }
})();
