/* Orders: search (email, reference or session id), filters (status, kind, to ship), newest first,
 * "Show more" by the API's cursor; the whole export as CSV. */

import { call, query } from "../api.js";
import { busy, byId, h, replace, save } from "../dom.js";
import { when, words } from "../format.js";

const FIELDS = ["q", "status", "kind", "to_ship"];
let next = null;
let shown = 0;
let filters = {};

export function badge(status) {
  return h("span", { class: `badge badge-${status}` }, words(status));
}

function row(order) {
  const items = order.items.map((i) => `${i.quantity}× ${i.description}`).join(", ");
  return h("li", { class: "order-card" },
    h("p", { class: "order-head" },
      h("a", { href: `#/order/${order.reference}` }, `Order ${order.reference}`),
      h("span", { class: "amount" }, order.amount_display)),
    h("p", { class: "meta" },
      h("time", { datetime: new Date(order.created_at * 1000).toISOString() }, when(order.created_at)),
      " · ", h("span", { class: "email" }, order.customer_email || "no email"), " ",
      badge(order.status), order.to_ship ? [" ", h("span", { class: "badge badge-to_ship" }, "to ship")] : null),
    h("p", { class: "items" }, items || "No items"));
}

async function load(cursor) {
  const page = await call(`orders${query({ ...filters, cursor, limit: 50 })}`);
  next = page.next;
  byId("orders-more").hidden = !next;
  return page.orders;
}

function readForm() {
  const form = byId("orders-form");
  return {
    q: form.elements.q.value.trim(), status: form.elements.status.value, kind: form.elements.kind.value,
    to_ship: form.elements.to_ship.checked ? "1" : "",
  };
}

function writeForm(params) {
  const form = byId("orders-form");
  form.elements.q.value = params.get("q") || "";
  form.elements.status.value = params.get("status") || "";
  form.elements.kind.value = params.get("kind") || "";
  form.elements.to_ship.checked = params.get("to_ship") === "1";
}

function counted() {
  return `${shown} order${shown === 1 ? "" : "s"}${next ? " shown; more below" : ""}.`;
}

/** `arg`: the query string after #/orders? (the search lives in the address, so Back returns to it). */
export async function show(arg, ctx) {
  const params = new URLSearchParams(arg || "");
  writeForm(params);
  filters = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) || ""]));
  const orders = await load(null);
  shown = orders.length;
  replace(byId("orders-list"), orders.map(row));
  byId("orders-empty").hidden = shown > 0;
  ctx.say(shown ? counted() : "No orders match.");
}

export function setup(ctx) {
  byId("orders-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ctx.go(`#/orders${query(readForm())}`);
  });
  byId("orders-more").addEventListener("click", (event) => busy(event.currentTarget, async () => {
    try {
      const orders = await load(next);
      const rows = orders.map(row);
      byId("orders-list").append(...rows);
      shown += orders.length;
      rows[0]?.querySelector("a").focus();  // the first new order, not the top of the page
      ctx.say(counted());
    } catch (error) {
      ctx.fail(error);
    }
  }));
  byId("export-csv").addEventListener("click", (event) => busy(event.currentTarget, async () => {
    try {
      ctx.say("Preparing the CSV…");
      save(await call("export.csv", { as: "blob" }), `orders-${new Date().toISOString().slice(0, 10)}.csv`);
      ctx.say("The orders CSV is downloaded.");
    } catch (error) {
      ctx.fail(error);
    }
  }));
}
