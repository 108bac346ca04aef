/*! Checkout Kit embedded Checkout (MIT). Load after stripe-checkout.js on pages that use it:
 *   <button data-price-id="price_…" data-checkout="embedded" data-mount="#checkout">Buy</button>
 *   <div id="checkout"></div>
 * The button starts an embedded session (uiMode "embedded") and Stripe's payment form mounts inside
 * data-mount (Stripe.js initEmbeddedCheckout; offline, the emulator's stand-in). /api/config says which
 * publishable key and Stripe.js to use. Events: checkout:mounted, and checkout:error on failure. */
(function (w, d) {
  "use strict";
  var me = d.currentScript;
  var api = w.StripeCheckout ? w.StripeCheckout.endpoint.replace(/[^/]*$/, "") : "/api/";
  var configUrl = (me && me.getAttribute("data-config")) || api + "config";
  var ready = null, current = null;

  function embedded(el) { return el && el.getAttribute && el.getAttribute("data-checkout") === "embedded"; }

  function fail(message) { return new Error(message || "Checkout is unavailable right now. Please try again."); }

  // Stripe(publishableKey), once: the config, then Stripe.js from the URL it names.
  function stripe() {
    ready = ready || fetch(configUrl, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : Promise.reject(fail());
    }).then(function (c) {
      return w.Stripe ? w.Stripe(c.publishableKey) : new Promise(function (ok, no) {
        var s = d.createElement("script");
        s.src = c.stripeJs;
        s.onload = function () { ok(w.Stripe(c.publishableKey)); };
        s.onerror = function () { no(fail("Could not load the payment form. Check your connection and try again.")); };
        d.head.appendChild(s);
      });
    });
    ready.catch(function () { ready = null; });
    return ready;
  }

  // Ask for an embedded session, and start loading Stripe.js while the session is created.
  d.addEventListener("checkout:start", function (e) {
    if (embedded(e.target)) { e.detail.uiMode = "embedded"; stripe(); }
  });

  // The session is there: mount its form instead of redirecting.
  d.addEventListener("checkout:redirect", function (e) {
    var el = e.target, session = e.detail;
    if (!embedded(el) || !session.clientSecret) return;
    e.preventDefault();
    var box = d.querySelector(el.getAttribute("data-mount") || "#checkout");
    stripe().then(function (s) {
      if (current) current.destroy();
      current = null;
      return s.initEmbeddedCheckout({ fetchClientSecret: function () { return Promise.resolve(session.clientSecret); } });
    }).then(function (checkout) {
      current = checkout;
      checkout.mount(box);
      box.hidden = false;
      if (box.scrollIntoView) box.scrollIntoView({ block: "start" });
      el.dispatchEvent(new CustomEvent("checkout:mounted", { bubbles: true, detail: session }));
    }, function (err) {
      var alert = el.nextElementSibling;
      if (alert && alert.getAttribute("role") == "alert") alert.textContent = err.message;
      el.dispatchEvent(new CustomEvent("checkout:error", { bubbles: true, detail: { message: err.message } }));
    });
  });
})(window, document);
