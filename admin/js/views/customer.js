/* One customer's records: download everything the shop holds about them as JSON (their right
 * to see it), or erase their personal data (their right to be forgotten), after confirmation. */

import { call, query } from "../api.js";
import { action } from "../confirm.js";
import { byId, entries, facts, h, replace, save } from "../dom.js";
import { when } from "../format.js";

function forgetAction(host, email, ctx) {
  action({
    host, ctx, opener: "Forget this customer…", title: "Forget this customer",
    missing: "Erasing customers from this page is not available on this shop yet (update Checkout Kit).",
    form() {
      const typed = h("input", { id: "forget-email", type: "email", autocomplete: "off", spellcheck: "false",
                                 "aria-describedby": "forget-hint" });
      return {
        fields: [h("p", { class: "field" }, h("label", { for: "forget-email" }, "Type their email to confirm"), typed,
          h("span", { class: "hint", id: "forget-hint" }, "Their name, email and address are erased from every order, " +
            "email and log; amounts and what was sold stay for your accounts."))],
        check() {
          if (typed.value.trim().toLowerCase() !== email.toLowerCase()) throw new Error(`Type ${email} exactly to confirm.`);
          return { question: `Erase ${email}'s personal data now? This cannot be undone.`, confirm: "Yes, erase it",
                   body: { email, confirm: true } };
        },
      };
    },
    run: (body) => call("customer/forget", { body }),
    async done(_body, answer) {
      await show(query({ email }).slice(1), ctx, false);
      byId("customer-body").prepend(h("div", { class: "notice", id: "forget-result" },
        h("p", {}, `Erased from ${answer.orders} order(s).`),
        h("p", {}, `Kept: ${answer.kept}.`), h("p", {}, `Why: ${answer.why}.`),
        h("p", {}, "Stripe keeps its own record of the payment: delete the customer in the Stripe Dashboard too if they asked.")));
      ctx.say(`${email}'s personal data is erased.`);
    },
  });
}

export async function show(arg, ctx, announce = true) {
  const email = new URLSearchParams(arg || "").get("email") || "";
  const form = byId("customer-form");
  form.elements.email.value = email;
  const body = byId("customer-body");
  if (!email) {
    body.replaceChildren();
    return;
  }
  const record = await call(`customer${query({ email })}`);
  const download = h("button", { type: "button", class: "button button-secondary button-small" }, "Download their data (JSON)");
  download.addEventListener("click", () => {
    save(new Blob([JSON.stringify(record, null, 2)], { type: "application/json" }), "customer-data.json");
    ctx.say("Their data is downloaded as customer-data.json.");
  });
  const actions = h("div", { class: "actions-list" }, h("p", {}, download));
  if (record.orders.length) forgetAction(actions, email, ctx);
  replace(body,
    h("h2", {}, `Records for ${email}`),
    facts([["Orders", String(record.orders.length)], ["Emails", String(record.emails.length)],
           ["Webhook deliveries", String(record.deliveries.length)], ["Subscriptions", String(record.subscriptions.length)]]),
    entries(record.orders, "No orders under this email.", (o) => [
      h("a", { href: `#/order/${o.reference}` }, `Order ${o.reference}`), ` · ${o.amount_display} · ${when(o.created_at)}`]),
    actions);
  if (announce) ctx.say(`${record.orders.length} order(s) for ${email}.`);
}

export function setup(ctx) {
  byId("customer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const email = event.currentTarget.elements.email.value.trim();
    if (email) ctx.go(`#/customer${query({ email })}`);
  });
}
