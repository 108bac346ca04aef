/*! Checkout Kit buy buttons — no dependencies, no build step. MIT.
 * <button data-price-id="price_…" [data-quantity="2" | data-quantity-input="#qty"]>Buy</button>
 * <script src="/js/stripe-checkout.js" defer [data-endpoint="https://…/api/create-checkout-session"]></script>
 * Events on the button: checkout:start, checkout:redirect, checkout:error (detail.message).
 * API: StripeCheckout.start({priceId | lookupKey | items, quantity}) -> Promise<url>
 */
(function (w, d) {
  "use strict";
  var me = d.currentScript;
  var endpoint = (me && me.getAttribute("data-endpoint")) || "/api/create-checkout-session";
  var SEL = "[data-price-id],[data-lookup-key]";
  var TIMEOUT = 15000;

  function emit(el, name, detail) {
    el.dispatchEvent(new CustomEvent("checkout:" + name, { bubbles: true, detail: detail }));
  }

  function post(body) {
    var ctl = w.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, TIMEOUT);
    return fetch(endpoint, {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
      body: JSON.stringify(body), signal: ctl && ctl.signal
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok || !data.url) throw new Error((data.error && data.error.message) || "Checkout is unavailable right now. Please try again.");
        return data.url;
      });
    }, function (e) {
      throw new Error(e && e.name === "AbortError" ? "Checkout took too long to answer. Please try again." : "Could not reach checkout. Check your connection and try again.");
    }).finally(function () { clearTimeout(timer); });
  }

  function alertFor(el) {
    var sel = el.getAttribute("data-error-target");
    var box = sel ? d.querySelector(sel) : null;
    if (!box) {
      var next = el.nextElementSibling;
      if (next && next.getAttribute("role") === "alert") box = next;
      else {
        box = d.createElement("p");
        box.setAttribute("role", "alert");
        box.className = "checkout-error";
        el.insertAdjacentElement("afterend", box);
      }
    }
    return box;
  }

  function quantityOf(el) {
    var sel = el.getAttribute("data-quantity-input");
    var raw = sel ? (d.querySelector(sel) || {}).value : el.getAttribute("data-quantity");
    var n = parseInt(raw || "1", 10);
    return isNaN(n) ? 1 : n;
  }

  function busy(el, on) {
    el.disabled = on;
    if (on) { el.setAttribute("aria-busy", "true"); el.classList.add("is-busy"); }
    else { el.removeAttribute("aria-busy"); el.classList.remove("is-busy"); }
  }

  function start(opts) {
    var body = opts.items ? { items: opts.items } : opts.lookupKey ? { lookupKey: opts.lookupKey } : { priceId: opts.priceId };
    if (!opts.items) body.quantity = opts.quantity == null ? 1 : opts.quantity;
    if (opts.customerEmail) body.customerEmail = opts.customerEmail;
    if (opts.clientReferenceId) body.clientReferenceId = opts.clientReferenceId;
    return post(body);
  }

  function buy(el) {
    if (el.getAttribute("aria-busy") === "true") return;
    var opts = { priceId: el.getAttribute("data-price-id"), lookupKey: el.getAttribute("data-lookup-key"), quantity: quantityOf(el) };
    if (opts.priceId) opts.lookupKey = null;
    var box = alertFor(el);
    box.textContent = "";
    busy(el, true);
    emit(el, "start", opts);
    start(opts).then(function (url) {
      emit(el, "redirect", { url: url });
      w.location.assign(url);
    }, function (err) {
      busy(el, false);
      box.textContent = err.message;
      emit(el, "error", { message: err.message });
    });
  }

  d.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest(SEL);
    if (!el || el.disabled) return;
    e.preventDefault();
    buy(el);
  });
  // Back from Checkout through the browser's cache: buttons must work again.
  w.addEventListener("pageshow", function (e) {
    if (e.persisted) Array.prototype.forEach.call(d.querySelectorAll(SEL), function (el) { busy(el, false); });
  });
  w.StripeCheckout = { start: start, endpoint: endpoint };
})(window, document);
