/* The offline emulator's stand-in for Stripe.js: exactly the calls Checkout Kit's embedded-checkout.js
 * makes, nothing else — Stripe(publishableKey).initEmbeddedCheckout({fetchClientSecret, onComplete})
 * resolving to {mount(target), unmount(), destroy()}. It frames the emulator's embedded page for the
 * session the client secret names, sizes the frame, and on completion navigates to the session's
 * return_url (or calls onComplete when the session never redirects), as Stripe.js does. */
(function (w, d) {
  "use strict";
  var me = d.currentScript, origin = new URL(me.src).origin, active = null;
  var SECRET = /^(cs_(?:test|live)_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/;

  function initEmbeddedCheckout(options) {
    if (!options || typeof options.fetchClientSecret !== "function") {
      return Promise.reject(new Error("initEmbeddedCheckout: fetchClientSecret must be a function."));
    }
    if (active) return Promise.reject(new Error("You cannot have multiple embedded checkout items."));
    active = {};
    return Promise.resolve(options.fetchClientSecret()).then(function (secret) {
      var m = SECRET.exec(secret || "");
      if (!m) throw new Error("initEmbeddedCheckout: fetchClientSecret must resolve to a Checkout Session client secret.");
      var frame = null, state = active;
      function onMessage(e) {
        if (!frame || e.origin !== origin || e.source !== frame.contentWindow) return;
        var data = e.data || {};
        if (data.type === "checkout-kit:resize") frame.style.height = Math.max(200, data.height) + "px";
        if (data.type === "checkout-kit:complete") {
          if (data.redirect) w.location.assign(data.redirect);
          else if (options.onComplete) options.onComplete();
        }
      }
      w.addEventListener("message", onMessage);
      state.mount = function (target) {
        var host = typeof target === "string" ? d.querySelector(target) : target;
        if (!host) throw new Error("mount: no element matches " + target + ".");
        if (frame) throw new Error("This embedded checkout is already mounted.");
        frame = d.createElement("iframe");
        frame.src = origin + "/c/embedded/" + m[1] + "?client_secret=" + encodeURIComponent(secret);
        frame.title = "Secure checkout";
        frame.setAttribute("allow", "payment");
        frame.style.cssText = "width:100%;border:0;height:600px;display:block;";
        host.appendChild(frame);
      };
      state.unmount = function () { if (frame) frame.remove(); frame = null; };
      state.destroy = function () {
        state.unmount();
        w.removeEventListener("message", onMessage);
        if (active === state) active = null;
      };
      return { mount: state.mount, unmount: state.unmount, destroy: state.destroy };
    }, function (e) { active = null; throw e; });
  }

  w.Stripe = function (publishableKey) {
    if (typeof publishableKey !== "string" || !/^pk_(test|live)_/.test(publishableKey)) {
      throw new Error("Stripe(): pass your publishable key (pk_test_… or pk_live_…).");
    }
    return { initEmbeddedCheckout: initEmbeddedCheckout };
  };
})(window, document);
