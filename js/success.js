/* success.html: show the order from /api/checkout-session and drop the session id from the address bar.
 * States: loading, paid, processing (polls until the bank debit settles), failed, open, missing, error. */
(function (w, d) {
  "use strict";
  var KEY = "checkout-kit:session";
  var SHOP = d.title.split(" — ").pop();
  // [shop] currency_display of catalog.toml, filled into the page by the build: "symbol" ($15.00) or "code".
  var DISPLAY = (d.querySelector('meta[name="currency-display"]') || {}).content || "symbol";
  var id = new URLSearchParams(w.location.search).get("session_id");
  var polls = 0, timer = null, state = "loading";

  // The id also lives in this tab's sessionStorage, so a reload still finds the order once the URL is clean.
  function remember(value) {
    try { value ? w.sessionStorage.setItem(KEY, value) : w.sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }
  if (id) remember(id);
  else try { id = w.sessionStorage.getItem(KEY); } catch (e) { id = null; }

  function cleanAddressBar() {
    var params = new URLSearchParams(w.location.search);
    if (!params.has("session_id") || !w.history.replaceState) return;
    params.delete("session_id");
    var rest = params.toString();
    w.history.replaceState(w.history.state, "", w.location.pathname + (rest ? "?" + rest : "") + w.location.hash);
  }

  // One formatting table with the receipts (js/money.js, loaded first).
  function money(amount, currency) { return w.CheckoutKitMoney.format(amount, currency, DISPLAY); }

  function show(name) {
    state = name;
    var section = null;
    [].forEach.call(d.querySelectorAll("[data-state]"), function (el) {
      el.hidden = el.getAttribute("data-state") !== name;
      if (!el.hidden) section = el;
    });
    var h1 = section && section.querySelector("h1");
    if (h1) d.title = h1.textContent + " — " + SHOP;
    d.body.setAttribute("data-order-state", name);
  }

  function setField(name, text) {
    [].forEach.call(d.querySelectorAll('[data-field="' + name + '"]'), function (el) { el.textContent = text; });
  }

  // The same element builder and link check as the order lines (js/purchase-view.js, loaded first).
  function el(tag, text, attrs, children) { return w.KitPurchaseView.el(tag, text, attrs, children); }
  function safeUrl(url) { return w.KitPurchaseView.safeUrl(url); }

  // Subtotal, discount, shipping and tax rows when the order has any; the invoice's links when it has one.
  function totals(o) {
    var any = o.amount_discount || o.amount_shipping || o.amount_tax || o.shipping_label, inv = o.invoice || {};
    function row(name, show, text) {
      d.querySelector('[data-total-row="' + name + '"]').hidden = !(any && show);
      setField("amount_" + name, text);
    }
    row("subtotal", true, money(o.amount_subtotal, o.currency));
    row("discount", o.amount_discount, "-" + money(o.amount_discount, o.currency));
    row("shipping", o.amount_shipping || o.shipping_label, money(o.amount_shipping, o.currency));
    row("tax", o.amount_tax, money(o.amount_tax, o.currency));
    setField("discount_label", o.discount_label ? "(" + o.discount_label + ")" : "");
    setField("shipping_label", o.shipping_label ? "(" + o.shipping_label + ")" : "");
    [].forEach.call(d.querySelectorAll("[data-invoice-link]"), function (a) {
      var url = safeUrl(inv[a.getAttribute("data-invoice-link")]);
      a.hidden = !url;
      if (url) a.href = url;
    });
    d.querySelector("[data-invoice]").hidden = !(safeUrl(inv.url) || safeUrl(inv.pdf));
  }

  function render(o) {
    setField("customer_email", o.customer_email || "your email address");
    setField("total", money(o.amount_total, o.currency));
    setField("reference", o.reference || "");
    d.querySelector("[data-reference]").hidden = !o.reference;
    var rows = d.querySelector("[data-items]");
    rows.textContent = "";
    (o.items || []).forEach(function (item) {
      rows.appendChild(el("tr", "", null, [
        el("td", item.description || "Item"),
        el("td", String(item.quantity), { "class": "num" }),
        // before discount and tax when the order says (they add up to the Subtotal row)
        el("td", money(item.amount_subtotal != null ? item.amount_subtotal : item.amount_total, o.currency), { "class": "num" })
      ]));
    });
    totals(o);
    var box = d.querySelector("[data-fulfillment]");
    box.textContent = "";
    // Each line as its kind shows it (js/purchase-view.js draws every kind the same way).
    (o.fulfillment || []).forEach(function (f) { box.appendChild(w.KitPurchaseView.render(f)); });
    d.querySelector("[data-fulfillment-section]").hidden = !box.firstChild;
    d.querySelector("[data-order]").hidden = !(o.items && o.items.length);
    if (o.mode === "subscription") d.querySelector("[data-paid-title]").textContent = "Welcome — your membership is active";
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(load, Math.min(2000 * Math.pow(1.2, polls++), 15000));
  }

  function settle(o) {
    if (o.status === "complete" && (o.payment_status === "paid" || o.payment_status === "no_payment_required")) {
      render(o); show("paid");
    } else if (o.order_status === "payment_failed") {
      render(o); show("failed");
    } else if (o.status === "complete") {
      render(o); show("processing");
      if (polls < 200) later();
    } else {
      show("open");
    }
  }

  function load() {
    fetch("/api/checkout-session?session_id=" + encodeURIComponent(id), {
      headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin"
    }).then(function (r) {
      cleanAddressBar();
      if (r.status === 404 || r.status === 400) { remember(null); show("missing"); return; }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json().then(settle);
    }).catch(function () {
      // While a bank debit is processing, a failed poll is only retried; otherwise offer a retry.
      if (state === "processing") later(); else show("error");
    });
  }

  d.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-retry]")) { show("loading"); load(); }
  });

  if (!id) { show("missing"); return; }
  load();
})(window, document);
