// Stands in for https://js.stripe.com/v3/ in the browser tests (no internet here). Only the calls the
// site's checkout.js makes: elements({clientSecret}), create("payment").mount/on("ready") and
// confirmPayment. Confirming goes to "api.stripe.com", which the test routes to localstripe, and then
// redirects to the return URL as Stripe.js does after a successful card payment.
(function () {
  "use strict";
  window.Stripe = function (publishableKey) {
    return {
      elements: function (options) {
        return {
          clientSecret: options.clientSecret,
          create: function () {
            var readyHandlers = [];
            return {
              mount: function (selector) {
                var note = document.createElement("p");
                note.textContent = "Test card 4242 4242 4242 4242 (Stripe stand-in for the browser tests)";
                document.querySelector(selector).appendChild(note);
                readyHandlers.forEach(function (handler) { setTimeout(handler, 0); });
                readyHandlers = null;
              },
              on: function (name, handler) {
                if (name !== "ready") { return; }
                if (readyHandlers) { readyHandlers.push(handler); } else { setTimeout(handler, 0); }
              },
            };
          },
        };
      },
      confirmPayment: function (options) {
        var clientSecret = options.elements.clientSecret;
        var intent = clientSecret.split("_secret_")[0];
        return fetch("https://api.stripe.com/v1/payment_intents/" + intent + "/confirm", {
          method: "POST",
          headers: { "Authorization": "Bearer " + publishableKey, "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ client_secret: clientSecret, payment_method: "pm_card_visa" }),
        })
          .then(function (response) { return response.json(); })
          .then(function (body) {
            if (body.error) { return { error: body.error }; }
            var url = new URL(options.confirmParams.return_url);
            url.searchParams.set("payment_intent", intent);
            url.searchParams.set("payment_intent_client_secret", clientSecret);
            url.searchParams.set("redirect_status", body.status === "succeeded" ? "succeeded" : "processing");
            window.location.assign(url.toString());
            return {};
          });
      },
    };
  };
})();
