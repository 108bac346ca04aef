/* One order: what was bought and how each item is fulfilled, its emails, its webhook deliveries,
 * and the owner's actions on it (mark shipped, refund), each with a confirmation step. */

import { call } from "../api.js";
import { action } from "../confirm.js";
import { byId, entries, facts, h, replace } from "../dom.js";
import { money, toMinor, when, words } from "../format.js";
import { badge } from "./orders.js";
import { retryButton } from "./problems.js";

function address(shipping) {
  const a = shipping?.address;
  if (!a) return null;
  return [shipping.name, a.line1, a.line2, [a.postal_code, a.city].filter(Boolean).join(" "), a.state, a.country]
    .filter(Boolean).join(", ");
}

// Each kind records its own details (links, codes, carrier…): shown as they are, by name.
function fulfillment(item) {
  const details = Object.entries(item.fulfillment || {}).filter(([k, v]) => k !== "type" && k !== "status" && v !== null && v !== "");
  return [badge(item.fulfillment_status), details.length ? facts(details.map(([k, v]) =>
    [words(k), Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v)]), { class: "facts small" }) : null];
}

function items(order) {
  return h("table", { class: "lines" },
    h("caption", { class: "visually-hidden" }, "Items and their fulfillment"),
    h("thead", {}, h("tr", {}, ["Item", "Qty", "Total", "Fulfillment"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, order.items.map((i) => h("tr", {},
      h("td", {}, i.description, h("br"), h("span", { class: "meta" }, words(i.fulfillment_type))),
      h("td", { class: "num" }, i.quantity),
      h("td", { class: "num" }, money(i.amount_total, order.currency)),
      h("td", {}, fulfillment(i))))));
}

function emails(order, ctx) {
  return entries(order.emails, "No emails for this order.", (e) => [
    h("p", {}, h("strong", {}, words(e.kind)), " to ", e.to || "—", " ", badge(e.status)),
    h("p", { class: "meta" }, `${e.attempts} attempt(s)`, e.subject ? ` · “${e.subject}”` : "",
      e.last_error ? ` · last error: ${e.last_error}` : ""),
    e.status === "failed" ? retryButton(e.id, ctx) : null]);
}

function deliveries(order) {
  return entries(order.deliveries, "No webhook deliveries recorded for this order.", (d) => [
    h("p", {}, h("strong", {}, d.event_type || "unknown event"), " ", badge(d.outcome)),
    h("p", { class: "meta" }, when(d.received_at), " · ", h("code", {}, d.event_id || "—"))]);
}

function shipAction(host, order, ctx) {
  action({
    host, ctx, opener: "Mark shipped…", title: "Mark shipped",
    missing: "Marking orders shipped is not available on this shop yet: its kit has no ship route (update Checkout Kit).",
    form() {
      const carrier = h("input", { id: "ship-carrier", name: "carrier", autocomplete: "off", maxlength: 100, required: true });
      const tracking = h("input", { id: "ship-tracking", name: "tracking", autocomplete: "off", maxlength: 100,
                                    required: true, spellcheck: "false" });
      return {
        fields: [h("p", { class: "field" }, h("label", { for: "ship-carrier" }, "Carrier"), carrier),
                 h("p", { class: "field" }, h("label", { for: "ship-tracking" }, "Tracking number"), tracking)],
        check() {
          const body = { ref: order.reference, carrier: carrier.value.trim(), tracking: tracking.value.trim() };
          if (!body.carrier || !body.tracking) throw new Error("Give the carrier and the tracking number.");
          return {
            question: `Mark the items of order ${order.reference} shipped with ${body.carrier}, tracking ` +
              `${body.tracking}, and email ${order.customer_email || "the customer"} once?`,
            confirm: "Yes, mark shipped", body,
          };
        },
      };
    },
    run: (body) => call("order/ship", { body }),
    async done() {
      await show(order.reference, ctx, false);
      ctx.say(`Order ${order.reference} is marked shipped; the customer gets one email.`);
    },
  });
}

function refundAction(host, order, ctx) {
  const left = order.amount_total - (order.amount_refunded || 0);
  const worth = (body) => money(body.amount ?? left, order.currency);
  action({
    host, ctx, opener: "Refund…", title: "Refund",
    missing: "Refunds from this page are not available on this shop yet: its kit has no refund route (update Checkout Kit).",
    form() {
      const full = h("input", { type: "radio", id: "refund-full", name: "how", value: "full", checked: true });
      const part = h("input", { type: "radio", id: "refund-part", name: "how", value: "part" });
      const value = h("input", { id: "refund-amount", name: "amount", inputmode: "decimal", autocomplete: "off",
                                 "aria-describedby": "refund-amount-hint" });
      const reason = h("select", { id: "refund-reason", name: "reason" },
        h("option", { value: "requested_by_customer" }, "Requested by the customer"),
        h("option", { value: "duplicate" }, "Duplicate payment"),
        h("option", { value: "fraudulent" }, "Fraudulent"),
        h("option", { value: "" }, "No reason given"));
      return {
        fields: [
          h("fieldset", {}, h("legend", {}, "How much"),
            h("p", { class: "field check" }, full, h("label", { for: "refund-full" }, `All that is left (${money(left, order.currency)})`)),
            h("p", { class: "field check" }, part, h("label", { for: "refund-part" }, "Part of it"))),
          h("p", { class: "field" }, h("label", { for: "refund-amount" }, `Amount to refund (${order.currency.toUpperCase()})`), value,
            h("span", { class: "hint", id: "refund-amount-hint" }, "Only for a partial refund, e.g. 5.00")),
          h("p", { class: "field" }, h("label", { for: "refund-reason" }, "Reason"), reason)],
        check() {
          // Amounts go to the API in the currency's smallest unit, as Stripe takes them.
          const amount = part.checked ? toMinor(value.value, order.currency) : null;
          if (part.checked && (amount === null || amount > left)) {
            throw new Error(`Give an amount above zero and at most ${money(left, order.currency)}.`);
          }
          const body = { ref: order.reference, ...(amount ? { amount } : {}), ...(reason.value ? { reason: reason.value } : {}) };
          return {
            question: `Refund ${worth(body)} of order ${order.reference} to the customer through Stripe? This cannot be undone.`,
            confirm: `Yes, refund ${worth(body)}`, body,
          };
        },
      };
    },
    run: (body) => call("order/refund", { body }),
    async done(body) {
      await show(order.reference, ctx, false);
      ctx.say(`Refund of ${worth(body)} sent to Stripe for order ${order.reference}.`);
    },
  });
}

function actions(order, ctx) {
  const host = h("div", { class: "actions-list" });
  if (order.to_ship) shipAction(host, order, ctx);
  if (["paid", "partially_refunded"].includes(order.status) && order.amount_total - (order.amount_refunded || 0) > 0) {
    refundAction(host, order, ctx);
  }
  return host.childElementCount ? host : h("p", { class: "meta" }, "Nothing to do on this order.");
}

export async function show(ref, ctx, announce = true) {
  const order = await call(`order?ref=${encodeURIComponent(ref || "")}`);
  replace(byId("order-title"), `Order ${order.reference}`);
  document.title = `Order ${order.reference} — Shop desk`;
  const email = order.customer_email;
  replace(byId("order-body"),
    facts([
      ["Status", badge(order.status)],
      ["Total", order.amount_display],
      ["Refunded", order.amount_refunded ? money(order.amount_refunded, order.currency) : null],
      ["Created", when(order.created_at)],
      ["Paid", order.paid_at ? when(order.paid_at) : null],
      ["Customer", [order.customer_name ? `${order.customer_name} ` : "",
        email ? h("a", { href: `#/customer?email=${encodeURIComponent(email)}` }, email) : "no email"]],
      ["Ship to", address(order.shipping)],
      ["Session", h("code", {}, order.session_id)],
      ["Mode", `${order.mode}${order.livemode ? "" : " (test)"}`],
    ]),
    h("h2", {}, "Items"), items(order),
    h("h2", {}, "Actions"), actions(order, ctx),
    h("h2", {}, "Emails"), emails(order, ctx),
    order.jobs?.length ? [h("h2", {}, "Other jobs"), entries(order.jobs, "", (j) => [
      h("p", {}, h("strong", {}, words(j.kind)), " ", badge(j.status)),
      h("p", { class: "meta" }, `${j.attempts} attempt(s)`, j.last_error ? ` · last error: ${j.last_error}` : ""),
      j.status === "failed" ? retryButton(j.id, ctx) : null])] : null,
    h("h2", {}, "Webhook deliveries"), deliveries(order));
  if (announce) ctx.say("");
}
