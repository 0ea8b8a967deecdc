/*
 * Admin: click a picture to set the point that stays in view when pages crop it.
 * Without this script the two number fields beside the picture do the same.
 */
(function () {
  "use strict";

  function percent(value) {
    var number = Math.round(Number(value));
    if (value === "" || isNaN(number)) {
      return 50;
    }
    return Math.min(100, Math.max(0, number));
  }

  function setUp(box) {
    var inputX = document.getElementById(box.getAttribute("data-focal-x"));
    var inputY = document.getElementById(box.getAttribute("data-focal-y"));
    var image = box.querySelector(".focal-point__image");
    var marker = box.querySelector(".focal-point__marker");
    var changed = box.querySelector(".focal-point__changed");
    if (!inputX || !inputY || !image || !marker) {
      return;
    }
    var saved = [inputX.value, inputY.value].join(",");

    function show() {
      marker.style.left = percent(inputX.value) + "%";
      marker.style.top = percent(inputY.value) + "%";
      marker.hidden = false;
      if (changed) {
        changed.hidden = [inputX.value, inputY.value].join(",") === saved;
      }
    }

    image.addEventListener("click", function (event) {
      var area = image.getBoundingClientRect();
      inputX.value = percent(((event.clientX - area.left) / area.width) * 100);
      inputY.value = percent(((event.clientY - area.top) / area.height) * 100);
      show();
    });
    inputX.addEventListener("input", show);
    inputY.addEventListener("input", show);
    show();
  }

  function setUpAll() {
    document.querySelectorAll(".focal-point[data-focal-x]").forEach(setUp);
  }

  // The admin loads form scripts in the page's head, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
