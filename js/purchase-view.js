/* What a buyer gets for one order line, drawn from its "view" (the API's `fulfillment` entries:
 * title, sentences, facts, links, tickets with their QR codes). Every kind is drawn the same
 * way, so a new kind needs no change here. Used by success.html and orders.html. */
(function (w, d) {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, attrs, children) {
    var node = d.createElement(tag);
    if (text) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function safeUrl(url) { return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null; }
  function when(seconds) { return new Date(seconds * 1000).toLocaleString(); }

  function qr(ticket) {
    var size = ticket.qr.size + 8, svg = d.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "-4 -4 " + size + " " + size);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "QR code of ticket " + ticket.code);
    svg.setAttribute("shape-rendering", "crispEdges");
    svg.setAttribute("class", "qr");
    var back = d.createElementNS(SVG, "rect");
    [["x", -4], ["y", -4], ["width", size], ["height", size], ["fill", "#fff"]].forEach(function (a) { back.setAttribute(a[0], a[1]); });
    var dark = d.createElementNS(SVG, "path");
    dark.setAttribute("d", ticket.qr.path);
    dark.setAttribute("fill", "#000");
    svg.appendChild(back);
    svg.appendChild(dark);
    return svg;
  }

  function ticketNode(ticket) {
    var box = el("figure", "", { "class": "ticket", "data-ticket-code": ticket.code });
    box.appendChild(qr(ticket));
    var caption = el("figcaption");
    caption.appendChild(el("span", ticket.code, { "class": "code" }));
    if (ticket.void) caption.appendChild(el("span", "Cancelled", { "class": "meta" }));
    else if (ticket.checked_in_at) caption.appendChild(el("span", "Used at " + when(ticket.checked_in_at), { "class": "meta" }));
    box.appendChild(caption);
    return box;
  }

  function render(view) {
    var box = el("div", "", { "class": "item", "data-kind": view.kind || "", "data-status": view.status || "" });
    box.appendChild(el("p", "", null)).appendChild(el("strong", view.title || "Your purchase"));
    (view.lines || []).forEach(function (line) { box.appendChild(el("p", line)); });
    if ((view.facts || []).length) {
      var facts = el("dl", "", { "class": "facts" });
      view.facts.forEach(function (f) { facts.appendChild(el("dt", f.label)); facts.appendChild(el("dd", f.value)); });
      box.appendChild(facts);
    }
    (view.links || []).forEach(function (link) {
      var url = safeUrl(link.url);
      if (url) box.appendChild(el("p")).appendChild(el("a", link.label, { href: url, "class": "button", rel: "noopener" }));
    });
    if ((view.tickets || []).length) {
      var list = el("div", "", { "class": "tickets" });
      view.tickets.forEach(function (t) { list.appendChild(ticketNode(t)); });
      box.appendChild(list);
    }
    return box;
  }

  w.KitPurchaseView = { render: render, el: el, safeUrl: safeUrl };
})(window, document);
