/*
 * Wide tables (progressive enhancement).
 *
 * Without JavaScript a table wider than the screen already scrolls sideways in
 * its focusable box, whose edge shadows show there is more. With it, the hint
 * just before the box ("scroll it sideways") appears only while the table is
 * wider than its box, and the box is described by it for screen readers.
 */
(function () {
  "use strict";

  var hints = document.querySelectorAll("[data-scroll-hint]");
  if (!hints.length) {
    return;
  }

  function update(hint, box) {
    var wider = box.scrollWidth > box.clientWidth + 1;
    hint.hidden = !wider;
    if (wider) {
      box.setAttribute("aria-describedby", hint.id);
    } else {
      box.removeAttribute("aria-describedby");
    }
  }

  Array.prototype.forEach.call(hints, function (hint, index) {
    var box = hint.nextElementSibling;
    if (!box || !box.classList.contains("table-scroll")) {
      return;
    }
    if (!hint.id) {
      hint.id = "table-scroll-hint-" + index;
    }
    update(hint, box);
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(function () {
        update(hint, box);
      }).observe(box);
    } else {
      window.addEventListener("resize", function () {
        update(hint, box);
      });
    }
  });
})();
