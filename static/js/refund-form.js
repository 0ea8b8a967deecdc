// The order refund form (admin): the amount to refund, worked out as staff type,
// with the same rules as the server's `refund_plan` (shop/refunds.py), in cents;
// the submit button says it ("Refund $14.00"). Checking "the whole order" fills
// in every quantity and the shipping; typing fewer unchecks it. Without this
// script the form still works: the confirmation page shows the amount.
(function () {
  "use strict";
  var form = document.querySelector("form.refund-form");
  if (!form || typeof BigInt !== "function") {
    return;
  }
  var data = form.dataset;
  var cents = function (name) {
    return BigInt(data[name] || "0");
  };
  var subtotal = cents("subtotal");
  var discount = cents("discount");
  var orderShipping = cents("shipping");
  var orderTax = cents("tax");
  var leftGoods = cents("leftGoods");
  var leftShipping = cents("leftShipping");
  var leftTax = cents("leftTax");
  var paidGoods = subtotal - discount;
  var taxable = paidGoods + orderShipping;

  var inputs = Array.prototype.slice.call(
    form.querySelectorAll("input.refund-quantity")
  );
  var shippingBox = form.querySelector("input[name=shipping]");
  var wholeBox = form.querySelector("input[name=whole]");
  var summary = form.querySelector(".refund-summary");
  var amountOut = form.querySelector(".refund-amount");
  var partsOut = form.querySelector(".refund-parts");
  var button = form.querySelector(".refund-submit");
  var buttonWord = button.getAttribute("data-label");
  // Words from the page, translated there: "(items {goods}, ...)".
  var partsWords = summary.getAttribute("data-parts");
  var invalidWords = summary.getAttribute("data-invalid");

  // a / b rounded half up, for a >= 0 and b > 0 (Python's ROUND_HALF_UP).
  function divide(a, b) {
    return (2n * a + b) / (2n * b);
  }

  function smaller(a, b) {
    return a < b ? a : b;
  }

  function money(amount) {
    var dollars = (amount / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var rest = (amount % 100n).toString().padStart(2, "0");
    return "$" + dollars + "." + rest;
  }

  // What the form asks for: {goods, shipping, tax} in cents, or null when a
  // quantity is not a whole number between 0 and what is left.
  function plan() {
    var everything = { goods: leftGoods, shipping: leftShipping, tax: leftTax };
    if (wholeBox && wholeBox.checked) {
      return everything;
    }
    var goods = 0n;
    var chosen = false;
    var everyItem = true;
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      var text = input.value.trim();
      var left = parseInt(input.getAttribute("data-left"), 10);
      var quantity = text === "" ? 0 : Number(text);
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > left) {
        return null;
      }
      chosen = chosen || quantity > 0;
      everyItem = everyItem && quantity === left;
      goods += BigInt(input.getAttribute("data-unit-cents")) * BigInt(quantity);
    }
    var shipping = Boolean(shippingBox && shippingBox.checked);
    if (everyItem && (shipping || leftShipping === 0n) && (chosen || shipping)) {
      return everything;
    }
    if (everyItem) {
      goods = leftGoods;
    } else {
      if (discount > 0n && subtotal > 0n) {
        goods = divide(goods * paidGoods, subtotal);
      }
      goods = smaller(goods, leftGoods);
    }
    var shippingBack = shipping ? leftShipping : 0n;
    var tax = taxable > 0n ? divide((goods + shippingBack) * orderTax, taxable) : 0n;
    return { goods: goods, shipping: shippingBack, tax: smaller(tax, leftTax) };
  }

  function show() {
    var result = plan();
    summary.hidden = false;
    if (result === null) {
      amountOut.textContent = "—";
      partsOut.textContent = invalidWords;
      button.textContent = buttonWord + "…";
      return;
    }
    var total = result.goods + result.shipping + result.tax;
    amountOut.textContent = money(total);
    partsOut.textContent = partsWords
      .replace("{goods}", money(result.goods))
      .replace("{shipping}", money(result.shipping))
      .replace("{tax}", money(result.tax));
    button.textContent = buttonWord + " " + money(total);
  }

  if (wholeBox) {
    wholeBox.addEventListener("change", function () {
      if (wholeBox.checked) {
        inputs.forEach(function (input) {
          input.value = input.getAttribute("data-left");
        });
        if (shippingBox) {
          shippingBox.checked = true;
        }
      }
      show();
    });
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", function () {
      var left = input.getAttribute("data-left");
      if (wholeBox && wholeBox.checked && input.value.trim() !== left) {
        wholeBox.checked = false;
      }
      show();
    });
  });
  if (shippingBox) {
    shippingBox.addEventListener("change", function () {
      if (wholeBox && wholeBox.checked && !shippingBox.checked) {
        wholeBox.checked = false;
      }
      show();
    });
  }
  var errors = document.getElementById("refund-errors");
  if (errors) {
    errors.focus();
  }
  show();
})();
