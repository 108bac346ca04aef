/* orders.html: ask for a magic link by email, or open the link and list every order of that email.
 * The link's token is used once (for a view token kept in this tab for an hour) and dropped from
 * the address bar, so reloading the page and sharing its address reveal nothing. */
(function (w, d) {
  "use strict";
  var KEY = "checkout-kit:orders-view";
  var el = function (tag, text, attrs) { return w.KitPurchaseView.el(tag, text, attrs); };
  var $ = function (sel) { return d.querySelector(sel); };

  function step(name) {
    [].forEach.call(d.querySelectorAll("[data-step]"), function (s) { s.hidden = s.getAttribute("data-step") !== name; });
  }
  var DISPLAY = (d.querySelector('meta[name="currency-display"]') || {}).content || "symbol";
  function money(amount, currency) { return w.CheckoutKitMoney.format(amount, currency, DISPLAY); }
  var STATUS = { paid: "Paid", partially_refunded: "Partly refunded", refunded: "Refunded", awaiting_payment: "Payment processing" };

  function orderCard(o) {
    var card = el("article", "", { "class": "order-card", "data-order": o.reference });
    card.appendChild(el("h2", "Order " + o.reference));
    var line = STATUS[o.status] || o.status;
    line += " · " + new Date(o.created * 1000).toLocaleDateString() + " · " + money(o.amount_total, o.currency);
    if (o.amount_refunded) line += " · " + money(o.amount_refunded, o.currency) + " refunded";
    card.appendChild(el("p", line, { "class": "meta", "data-order-status": o.status }));
    var list = el("ul");
    o.items.forEach(function (i) { list.appendChild(el("li", i.quantity + " × " + i.description + " — " + money(i.amount_total, o.currency))); });
    card.appendChild(list);
    var box = el("div", "", { "class": "fulfillment" });
    o.fulfillment.forEach(function (f) { box.appendChild(w.KitPurchaseView.render(f)); });
    card.appendChild(box);
    o.shipments.forEach(function (s) { card.appendChild(el("p", "Shipped " + new Date(s.shipped_at * 1000).toLocaleDateString() + " with " + s.carrier + ", tracking " + s.tracking_number)); });
    o.refunds.forEach(function (r) { card.appendChild(el("p", "Refund of " + money(r.amount, o.currency) + ": " + r.status, { "class": "meta" })); });
    if (o.receipt_url && /^https:\/\//.test(o.receipt_url)) {
      card.appendChild(el("p")).appendChild(el("a", "Payment receipt", { href: o.receipt_url, rel: "noopener" }));
    }
    return card;
  }

  function show(data) {
    try { w.sessionStorage.setItem(KEY, data.view); } catch (e) { /* private mode: one view only */ }
    $("[data-orders-for]").textContent = data.orders.length + (data.orders.length === 1 ? " order" : " orders") + " for " + data.email;
    var box = $("[data-orders]");
    box.textContent = "";
    data.orders.forEach(function (o) { box.appendChild(orderCard(o)); });
    step("orders");
    $("[data-orders-title]").focus();
  }

  function refuse(message) {
    try { w.sessionStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    step("ask");
    $("[data-ask-error]").textContent = message;
  }

  function open(query) {
    step("loading");
    fetch("/api/orders?" + query, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (a) { if (a.ok) show(a.body); else refuse(a.body.error ? a.body.error.message : "This link does not work."); })
      .catch(function () { refuse("We could not open your orders right now; try again in a moment."); });
  }

  $("[data-ask]").addEventListener("submit", function (e) {
    e.preventDefault();
    var status = $("[data-ask-status]"), problem = $("[data-ask-error]");
    status.textContent = ""; problem.textContent = "";
    fetch("/api/orders", { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
                           body: JSON.stringify({ email: $("[data-email]").value.trim() }), credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (a) {
        if (a.ok) status.textContent = a.body.message;
        else problem.textContent = a.body.error ? a.body.error.message : "Something went wrong; try again.";
      })
      .catch(function () { problem.textContent = "We could not send the link right now; try again in a moment."; });
  });

  var params = new URLSearchParams(w.location.search), token = params.get("token"), view = null;
  if (token) {
    params.delete("token");
    var rest = params.toString();
    w.history.replaceState(w.history.state, "", w.location.pathname + (rest ? "?" + rest : ""));
    open("token=" + encodeURIComponent(token));
  } else {
    try { view = w.sessionStorage.getItem(KEY); } catch (e) { view = null; }
    if (view) open("view=" + encodeURIComponent(view));
  }
})(window, document);
