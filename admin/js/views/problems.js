/* Problems: webhooks that failed, jobs that gave up (each with "Retry"), emails still waiting,
 * the problems the kit recorded; and reconcile with Stripe on demand. */

import { call } from "../api.js";
import { busy, byId, entries, h, replace } from "../dom.js";
import { when, words } from "../format.js";

/** "Retry" for a job that gave up: requeued and run now, then the view is drawn again. */
export function retryButton(id, ctx) {
  const button = h("button", { type: "button", class: "button button-secondary button-small", "data-job": id },
    "Retry", h("span", { class: "visually-hidden" }, ` job ${id}`));
  button.addEventListener("click", () => busy(button, async () => {
    try {
      const answer = await call("jobs/retry", { body: { id } });
      await ctx.refresh();
      if (!answer.requeued) ctx.say(`Job ${id} was not waiting for a retry (it may have been retried already).`);
      else if (answer.done) ctx.say(`Job ${id} ran again and succeeded.`);
      else ctx.say(`Job ${id} is queued again but failed once more; it will be retried with a pause.`, "error");
    } catch (error) {
      ctx.fail(error);
    }
  }));
  return h("p", { class: "row-action" }, button);
}

function section(title, rows, empty, render) {
  return [h("h2", {}, title, " ", h("span", { class: "count" }, `(${rows.length})`)), entries(rows, empty, render)];
}

function orderLink(reference) {
  return reference ? [" · ", h("a", { href: `#/order/${reference}` }, `order ${reference}`)] : null;
}

export async function show(_arg, ctx) {
  const data = await call("problems?days=7");
  replace(byId("problems-body"),
    section("Jobs that gave up", data.gave_up, "None: every email and hook went out or is still being tried.", (j) => [
      h("p", {}, h("strong", {}, `${words(j.kind)} job ${j.id}`), orderLink(j.reference)),
      h("p", { class: "meta" }, `${j.attempts} attempt(s)`, j.last_error ? ` · last error: ${j.last_error}` : ""),
      retryButton(j.id, ctx)]),
    section("Webhooks that failed", data.failed_webhooks, "None in the last 7 days.", (d) => [
      h("p", {}, h("strong", {}, d.event_type || "unknown event"), " · ", when(d.received_at)),
      h("p", { class: "meta" }, h("code", {}, d.event_id || "—"), d.detail ? ` · ${d.detail}` : "")]),
    h("h2", {}, "Emails waiting to send"),
    h("p", { id: "problems-pending" }, data.pending_emails
      ? `${data.pending_emails} email(s) are queued or waiting out a pause before the next try.`
      : "None: every email went out."),
    section("Recorded problems", data.recorded, "None in the last 7 days.", (p) => [
      h("p", {}, h("strong", {}, words(p.cause)), p.ref ? [" · ", h("code", {}, p.ref)] : null, " · ", when(p.at)),
      h("p", { class: "meta" }, p.detail)]));
  ctx.say("");
}

export function setup(ctx) {
  byId("reconcile").addEventListener("click", (event) => busy(event.currentTarget, async () => {
    try {
      ctx.say("Checking the last 3 days with Stripe…");
      const report = await call("reconcile", { body: { days: 3 } });
      replace(byId("reconcile-result"),
        h("p", {}, `Checked ${report.checked} completed payment(s): ${report.fixed.length} fixed, ${report.failed.length} could not be fixed.`),
        report.fixed.length ? h("ul", {}, report.fixed.map((f) => h("li", {},
          h("a", { href: `#/order/${f.reference}` }, `Order ${f.reference}`), `: ${f.what}`))) : null,
        report.failed.length ? h("ul", {}, report.failed.map((f) => h("li", {}, h("code", {}, f.session_id), `: ${f.why}`))) : null);
      ctx.say(`Reconcile done: ${report.fixed.length} order(s) fixed.`);
    } catch (error) {
      ctx.fail(error);
    }
  }));
}
