/*
 * Admin: click a picture to set the point that stays in view when pages crop it,
 * and see each crop move with it before saving. Without this script the two
 * number fields beside the picture do the same, and the crops show once saved.
 *
 * The crops are worked out as core/images.py cuts renditions (the largest box of
 * the slot's shape, centered on the point, kept inside the picture) and, where a
 * page crops again with CSS, as object-fit: cover does with the focus classes.
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

  function pair(text) {
    return text.split(" ").map(Number);
  }

  function clamp(value, low, high) {
    return Math.min(Math.max(value, low), high);
  }

  // The rendition's crop: [x, y, width, height] of a width × height picture.
  function cropBox(width, height, shape, x, y) {
    if (width * shape[1] > height * shape[0]) {
      var cropWidth = (height * shape[0]) / shape[1];
      var left = clamp((x / 100) * width - cropWidth / 2, 0, width - cropWidth);
      return [left, 0, cropWidth, height];
    }
    var cropHeight = (width * shape[1]) / shape[0];
    var top = clamp((y / 100) * height - cropHeight / 2, 0, height - cropHeight);
    return [0, top, width, cropHeight];
  }

  // What object-fit: cover shows of `box` in a frame of `shape`, the focus
  // rounded to tens of percent as the focus classes are.
  function coverBox(box, shape, x, y) {
    var tensX = Math.floor((x + 5) / 10) * 10;
    var tensY = Math.floor((y + 5) / 10) * 10;
    if (box[2] * shape[1] > box[3] * shape[0]) {
      var width = (box[3] * shape[0]) / shape[1];
      return [box[0] + (tensX / 100) * (box[2] - width), box[1], width, box[3]];
    }
    var height = (box[2] * shape[1]) / shape[0];
    return [box[0], box[1] + (tensY / 100) * (box[3] - height), box[2], height];
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
    var width = Number(image.getAttribute("data-width"));
    var height = Number(image.getAttribute("data-height"));

    function moveCrops(x, y) {
      box.querySelectorAll(".focal-slot").forEach(function (slot) {
        var svg = slot.querySelector("svg");
        var picture = slot.querySelector("image");
        if (!svg || !picture || !width || !height) {
          return;
        }
        var crop = cropBox(width, height, pair(slot.getAttribute("data-crop")), x, y);
        // Where the point falls in the crop, as the page's CSS is told.
        var inCropX = percent((((x / 100) * width - crop[0]) / crop[2]) * 100);
        var inCropY = percent((((y / 100) * height - crop[1]) / crop[3]) * 100);
        var shown = coverBox(crop, pair(slot.getAttribute("data-frame")), inCropX, inCropY);
        picture.setAttribute("href", image.currentSrc || image.src);
        picture.setAttribute("width", width);
        picture.setAttribute("height", height);
        svg.setAttribute("viewBox", shown.map(function (n) { return n.toFixed(2); }).join(" "));
      });
    }

    function show() {
      var x = percent(inputX.value);
      var y = percent(inputY.value);
      marker.style.left = x + "%";
      marker.style.top = y + "%";
      marker.hidden = false;
      var moved = [inputX.value, inputY.value].join(",") !== saved;
      if (changed) {
        changed.hidden = !moved;
      }
      if (moved) {
        moveCrops(x, y);
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
