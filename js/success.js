/* success.html: show the order from /api/checkout-session, then drop the session id from the address bar. */
(function (w, d) {
  "use strict";
  var params = new URLSearchParams(w.location.search);
  var id = params.get("session_id");
  var POLL_MS = 3000, MAX_POLLS = 60, polls = 0;

  function money(amount, currency) {
    var zero = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];
    var cur = (currency || "usd").toUpperCase();
    var value = zero.indexOf(cur.toLowerCase()) >= 0 ? amount : amount / 100;
    try { return new Intl.NumberFormat(undefined, { style: "currency", currency: cur }).format(value); }
    catch (e) { return value.toFixed(2) + " " + cur; }
  }
  function show(state) {
    Array.prototype.forEach.call(d.querySelectorAll("[data-state]"), function (el) { el.hidden = el.getAttribute("data-state") !== state; });
  }
  function setField(name, text) {
    Array.prototype.forEach.call(d.querySelectorAll('[data-field="' + name + '"]'), function (el) { el.textContent = text; });
  }
  function el(tag, text, attrs) {
    var node = d.createElement(tag);
    if (text) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }
  function fulfillmentNode(f) {
    var p = el("p");
    if (f.type === "download" && f.url) { p.appendChild(d.createTextNode(f.description + ": ")); p.appendChild(el("a", "Download", { href: f.url, rel: "noopener" })); }
    else if (f.type === "ticket" && f.codes) p.textContent = f.description + " — ticket" + (f.codes.length > 1 ? "s " : " ") + f.codes.join(", ");
    else if (f.type === "subscription") { p.textContent = "Your membership is active. "; if (f.access_url) p.appendChild(el("a", "Go to the members' area", { href: f.access_url, rel: "noopener" })); }
    else if (f.type === "shipment") p.textContent = f.description + " will ship soon; we email you when it leaves.";
    else return null;
    return p;
  }
  function render(o) {
    setField("customer_email", o.customer_email || "your email address");
    setField("total", money(o.amount_total || 0, o.currency));
    var list = d.querySelector("[data-items]");
    list.textContent = "";
    (o.items || []).forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", item.quantity + " × " + item.description));
      li.appendChild(el("span", money(item.amount_total, o.currency)));
      list.appendChild(li);
    });
    var box = d.querySelector("[data-fulfillment]");
    box.textContent = "";
    (o.fulfillment || []).forEach(function (f) { var n = fulfillmentNode(f); if (n) box.appendChild(n); });
    d.querySelector("[data-order]").hidden = !(o.items && o.items.length);
  }
  function load() {
    fetch("/api/checkout-session?session_id=" + encodeURIComponent(id), { headers: { Accept: "application/json" }, referrerPolicy: "no-referrer" })
      .then(function (r) {
        if (r.status === 404 || r.status === 400) { show("missing"); return null; }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (o) {
        if (!o) return;
        if (w.history && w.history.replaceState) w.history.replaceState(null, "", w.location.pathname);
        if (o.status === "complete" && o.payment_status !== "unpaid") { render(o); show("paid"); }
        else if (o.order_status === "payment_failed") { render(o); show("failed"); }
        else if (o.status === "complete") {
          render(o); show("processing");
          if (++polls < MAX_POLLS) setTimeout(load, POLL_MS);
        } else { show("open"); }
      })
      .catch(function () { show("error"); });
  }
  if (!id) { show("missing"); return; }
  load();
})(window, document);
