/* The emulator's embedded Checkout page, inside the shop's frame: tell the Stripe.js stand-in in the
 * shop's page how tall the form is, and when the payment is complete (and where to go). */
(function (w, d) {
  "use strict";
  var parentOrigin = d.documentElement.getAttribute("data-parent-origin");
  function post(message) { if (w.parent !== w && parentOrigin) w.parent.postMessage(message, parentOrigin); }
  function size() { post({ type: "checkout-kit:resize", height: d.documentElement.scrollHeight }); }
  var done = d.querySelector("[data-complete]");
  if (done) post({ type: "checkout-kit:complete", redirect: done.getAttribute("data-redirect") || "" });
  size();
  if (w.ResizeObserver) new w.ResizeObserver(size).observe(d.body);
})(window, document);
