/*
 * Share buttons on campaign pages (progressive enhancement).
 *
 * Without JavaScript the page already has plain share links and the page address
 * in a field to copy. With it, a "Share…" button opens the device's own share
 * sheet where the browser has the Web Share API, and a "Copy link" button copies
 * the address where the Clipboard API is available. Nothing is loaded from
 * another site.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-share]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-share-url");
  var status = box.querySelector("[data-share-status]");

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  var native = box.querySelector("[data-share-native]");
  if (native && typeof navigator.share === "function") {
    native.hidden = false;
    native.querySelector("button").addEventListener("click", function () {
      navigator
        .share({
          title: box.getAttribute("data-share-title") || document.title,
          text: box.getAttribute("data-share-text") || "",
          url: url
        })
        .catch(function () {
          /* The visitor closed the share sheet: nothing to do. */
        });
    });
  }

  var copy = box.querySelector("[data-share-copy]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(
        function () {
          say(copy.getAttribute("data-copied") || "Link copied.");
        },
        function () {
          say("");
        }
      );
    });
  }
})();
