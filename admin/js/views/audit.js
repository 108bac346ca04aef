/* The audit log: every owner action, newest first, with where it came from. */

import { call } from "../api.js";
import { byId, h, replace } from "../dom.js";
import { when, words } from "../format.js";

const ACTORS = { admin: "this page", cli: "the command line", cron: "the daily check" };

export async function show(_arg, ctx) {
  const { entries } = await call("audit");
  replace(byId("audit-list"), entries.map((e) => h("li", {},
    h("p", {}, h("strong", {}, words(e.action)), e.target ? [" · ", e.target] : null),
    h("p", { class: "meta" }, when(e.at), " · from ", ACTORS[e.actor] || e.actor, e.client ? ` (${e.client})` : ""),
    e.detail ? h("p", { class: "meta" }, e.detail) : null)));
  byId("audit-empty").hidden = entries.length > 0;
  ctx.say("");
}
