/* Today: revenue per currency, paid orders, refunds, checkouts started, conversion, pending
 * emails, and members and MRR when the shop has subscriptions (fields shown only when sent). */

import { call, query } from "../api.js";
import { byId, h, replace } from "../dom.js";
import { percent, tzOffset, when } from "../format.js";

function card(id, term, ...value) {
  return h("div", { class: "card" }, h("dt", {}, term), h("dd", { id }, ...value));
}

function perCurrency(rows, none) {
  if (!rows?.length) return none;
  return rows.map((r, n) => [n ? h("br") : null, r.display]);
}

export async function show(_arg, ctx) {
  const data = await call(`today${query({ tz: tzOffset() })}`);
  replace(byId("today-since"), `Since midnight (${when(data.since)}), your time.`);
  const cards = [
    card("today-revenue", "Revenue", perCurrency(data.revenue, "No sales yet")),
    card("today-orders", "Paid orders", String(data.orders)),
    data.refunds !== undefined ? card("today-refunds", "Refunds", perCurrency(data.refunds, "None")) : null,
    card("today-started", "Checkouts started", String(data.checkouts_started)),
    card("today-conversion", "Conversion", percent(data.conversion)),
    card("today-pending", "Emails waiting to send", String(data.pending_emails)),
    data.active_members !== undefined ? card("today-members", "Active members", String(data.active_members)) : null,
    data.mrr !== undefined ? card("today-mrr", "Monthly recurring revenue", perCurrency(data.mrr, "None")) : null,
  ];
  replace(byId("today-cards"), cards);
  ctx.say("");
}
