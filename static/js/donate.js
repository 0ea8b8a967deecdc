/*
 * The donate form, enhanced (it works without this script):
 * - focus the error summary when the form comes back with errors (GOV.UK);
 * - show only the amounts of the chosen frequency (one time or monthly);
 * - typing another amount selects "Other amount";
 * - say, to the cent, what covering the processing fee adds. The server computes
 *   it again; this is only so the donor sees it before continuing.
 */
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  var form = document.querySelector("[data-donate-form]");
  if (!form) {
    return;
  }
  var panels = form.querySelectorAll("[data-frequency-panel]");
  var other = form.querySelector("[name=other_amount]");
  var note = form.querySelector("[data-fee-note]");

  function frequency() {
    var checked = form.querySelector("[name=frequency]:checked");
    return checked ? checked.value : "one_time";
  }

  function activeGroup() {
    return frequency() === "monthly" ? "monthly_amount" : "one_time_amount";
  }

  function showPanels() {
    panels.forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-frequency-panel") !== frequency();
    });
  }

  // Exact decimal arithmetic in whole cents: "2.9" percent -> 29 / 1000.
  function cents(text) {
    var match = /^\s*\$?\s*([0-9]{1,9})(?:\.([0-9]{1,2}))?\s*$/.exec(
      (text || "").replace(/,/g, "")
    );
    if (!match) {
      return null;
    }
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "0").padEnd(2, "0"), 10);
  }

  function fraction(percent) {
    var parts = String(percent).split(".");
    var decimals = parts[1] ? parts[1].length : 0;
    var scale = Math.pow(10, decimals + 2);
    return { num: parseInt(parts.join(""), 10), den: scale };
  }

  function dollars(amount) {
    var whole = Math.floor(amount / 100).toLocaleString("en-US");
    return "$" + whole + "." + String(amount % 100).padStart(2, "0");
  }

  function chosenCents() {
    var checked = form.querySelector("[name=" + activeGroup() + "]:checked");
    if (!checked) {
      return null;
    }
    return checked.value === "other" ? cents(other && other.value) : cents(checked.value);
  }

  var original = note ? note.textContent : "";
  function updateFee() {
    if (!note) {
      return;
    }
    var amount = chosenCents();
    if (!amount) {
      note.textContent = original;
      return;
    }
    var rate = fraction(form.getAttribute("data-fee-rate"));
    var fixed = cents(form.getAttribute("data-fee-fixed"));
    var gross = Math.ceil(((amount + fixed) * rate.den) / (rate.den - rate.num));
    note.textContent =
      "Adds " + dollars(gross - amount) + ", so the home receives all " +
      dollars(amount) + " (you pay " + dollars(gross) + ").";
  }

  if (other) {
    other.addEventListener("input", function () {
      var choice = form.querySelector(
        "[name=" + activeGroup() + "][value=other]"
      );
      if (choice && other.value.trim()) {
        choice.checked = true;
      }
      updateFee();
    });
  }
  form.addEventListener("change", function () {
    showPanels();
    updateFee();
  });
  showPanels();
  updateFee();
})();
