// Stripe Payment Element on the checkout page (progressive enhancement: the page explains
// what to do without JavaScript). The server grants access only after Stripe's webhook.
(function () {
  "use strict";
  var form = document.getElementById("payment-form");
  if (!form || typeof window.Stripe !== "function") {
    return;
  }
  var button = document.getElementById("pay-button");
  var message = document.getElementById("payment-message");
  var stripe = window.Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var paymentElement = elements.create("payment");
  paymentElement.mount("#payment-element");
  paymentElement.on("ready", function () {
    button.disabled = false;
  });

  function showMessage(text) {
    message.textContent = text;
    message.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    message.hidden = true;
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        // Only reached on an immediate error; on success Stripe redirects to return_url.
        if (result.error) {
          showMessage(result.error.message || "The payment did not go through. Please try again.");
        }
        button.disabled = false;
      });
  });
})();
