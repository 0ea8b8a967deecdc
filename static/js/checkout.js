/*
 * Checkout (progressive enhancement only): when the buyer changes the delivery
 * or the state, the order summary and the total to pay are recalculated by the
 * server (the same POST as the "Update total" button, which works without
 * JavaScript) and put in place, so the total shown is always the one the
 * payment page will charge. A total the server changed after the page was
 * shown (a new state, say) comes back as a notice; focus moves to it.
 */
(function () {
  "use strict";

  var notice = document.querySelector("[data-checkout-notice]");
  if (notice && !document.querySelector("[data-error-summary]")) {
    notice.focus();
  }

  var form = document.querySelector("[data-checkout-form]");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var update = form.querySelector("[data-checkout-update]");
  var pending = null;

  function swap(doc, selector, whole) {
    var fresh = doc.querySelector(selector);
    var current = document.querySelector(selector);
    if (!fresh || !current) {
      return false;
    }
    if (whole) {
      current.innerHTML = fresh.innerHTML;
    } else if (current.textContent !== fresh.textContent) {
      current.innerHTML = fresh.innerHTML;
    }
    return true;
  }

  function recalculate() {
    var data = new FormData(form);
    data.append("update", "1");
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          // The cart changed meanwhile: the server's page says why.
          window.location.assign(response.redirected ? response.url : form.action);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var shown = doc.querySelector("[data-checkout-shown-total]");
        if (!shown || !swap(doc, "[data-checkout-summary]", true)) {
          return;
        }
        form.querySelector("[data-checkout-shown-total]").value = shown.value;
        swap(doc, "[data-checkout-due]", false);
      })
      .catch(function () {
        // Offline or aborted: the "Update total" button still works, and the
        // server never places an order at a total the page did not show.
        if (update) {
          update.hidden = false;
        }
      });
  }

  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name === "delivery_method" || name === "state") {
      recalculate();
    }
  });
  if (update) {
    update.hidden = true;
  }
})();
