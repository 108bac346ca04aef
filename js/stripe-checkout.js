/*! Checkout Kit buy buttons (MIT). Options, events, StripeCheckout.start(): /add-a-buy-button.html */
(function (w, d) {
  "use strict";
  var me = d.currentScript || d.querySelector("script[data-endpoint]");
  var endpoint = (me && me.getAttribute("data-endpoint")) || "/api/create-checkout-session";
  var SEL = "[data-price-id],[data-lookup-key],[data-portal] button";
  var BUSY = "aria-busy", went;

  function emit(el, name, detail) {
    return el.dispatchEvent(new CustomEvent("checkout:" + name, { bubbles: true, cancelable: true, detail: detail }));
  }

  function post(body, url) {
    var ctl = new AbortController();
    var timer = setTimeout(function () { ctl.abort(); }, 15e3);
    return fetch(url || endpoint, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body), signal: ctl.signal
    }).then(function (r) {
      return r.json().then(null, function () { return {}; }).then(function (data) {
        if (r.ok && (data.url || data.clientSecret || data.message)) return data;
        var e = new Error((data.error && data.error.message) || "Checkout is unavailable right now. Please try again.");
        e.status = r.status;
        throw e;
      });
    }).catch(function (e) {
      throw ctl.signal.aborted ? new Error("Checkout took too long to answer. Please try again.")
        : e.status ? e : new Error("Could not reach checkout. Check your connection and try again.");
    }).finally(function () { clearTimeout(timer); });
  }

  function start(o, el) {
    el = el || d;
    var body = o.items ? { items: o.items } : o.priceId ? { priceId: o.priceId } : { lookupKey: o.lookupKey };
    if (!o.items) body.quantity = o.quantity == null ? 1 : o.quantity;
    if (o.currency) body.currency = o.currency;
    if (o.customerEmail) body.customerEmail = o.customerEmail;
    if (o.clientReferenceId) body.clientReferenceId = o.clientReferenceId;
    if (!emit(el, "start", body)) return Promise.resolve(null);
    return post(body).then(function (s) {
      if ((went = emit(el, "redirect", s))) w.location.assign(s.url);
      return s;
    }, function (e) {
      emit(el, "error", { message: e.message, status: e.status });
      throw e;
    });
  }

  function busy(el, on) {
    el.disabled = on;
    on ? el.setAttribute(BUSY, "true") : el.removeAttribute(BUSY);
    el.classList.toggle("is-busy", on);
  }

  function alertFor(el) {
    var sel = el.getAttribute("data-error-target"), box = sel && d.querySelector(sel);
    if (box) return box;
    box = el.nextElementSibling;
    if (!box || box.getAttribute("role") != "alert") {
      box = d.createElement("p");
      box.setAttribute("role", "alert");
      box.className = "checkout-error";
      el.after(box);
    }
    return box;
  }

  // data-quantity-input, else data-quantity, else the form's quantity field, else 1.
  function quantity(el) {
    var sel = el.getAttribute("data-quantity-input"), raw = el.getAttribute("data-quantity");
    var input = sel ? d.querySelector(sel) : raw == null && el.form && el.form.elements.quantity;
    if (input) {
      if (input.checkValidity && !input.checkValidity()) return input.reportValidity(), null;
      raw = input.value;
    }
    return raw == null || raw === "" ? 1 : Number(raw);
  }

  function buy(el) {
    if (el.getAttribute(BUSY) == "true") return;
    var q = quantity(el), box, f = el.closest("[data-portal]");
    if (q == null) return;
    box = alertFor(el);
    box.textContent = "";
    busy(el, true);
    (f ? post({ email: f.email.value }, f.action)
      : start({ priceId: el.getAttribute("data-price-id"), lookupKey: el.getAttribute("data-lookup-key"), quantity: q,
        currency: el.getAttribute("data-currency") }, el))
      .then(function (s) { if (!s || !went) busy(el, false); if (f) box.textContent = s.message; }, function (e) {
        busy(el, false);
        box.textContent = e.message;
        if (d.activeElement == d.body) el.focus();
      });
  }

  // Delegated: buttons added later work too.
  d.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest(SEL);
    if (el) { e.preventDefault(); buy(el); }
  });
  d.addEventListener("submit", function (e) {
    var el = e.target.querySelector(SEL);
    if (el) { e.preventDefault(); buy(el); }
  });
  // Back from Checkout via the bfcache.
  w.addEventListener("pageshow", function (e) {
    if (e.persisted) [].forEach.call(d.querySelectorAll(SEL), function (el) { if (el.getAttribute(BUSY)) busy(el, false); });
  });
  // Warm the function on intent: one GET of /api/health per page view (data-prewarm="off": none).
  var warmed = me && me.getAttribute("data-prewarm") == "off", io;
  function warm() {
    warmed || fetch(endpoint.replace(/[^/]*$/, "health"), { mode: "no-cors", credentials: "omit", keepalive: true })
      .catch(function () {});
    warmed = 1;
  }
  function hint(e) { if (e.target.closest && e.target.closest(SEL)) warm(); }
  d.addEventListener("pointerover", hint);
  d.addEventListener("focusin", hint);
  if (w.IntersectionObserver) {
    io = new IntersectionObserver(function (es) { if (es.some(function (e) { return e.isIntersecting; })) warm(); });
    [].forEach.call(d.querySelectorAll(SEL), function (el) { io.observe(el); });
  }
  w.StripeCheckout = { start: start, endpoint: endpoint };
})(window, document);
