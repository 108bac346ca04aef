/* The shop desk: sign in with the admin token, then one view at a time, chosen by the address's
 * #/view part (which never leaves the browser). Moving to another view moves focus to its heading;
 * what happens is said in the status line, which screen readers announce. */

import * as api from "./api.js";
import { byId } from "./dom.js";
import * as audit from "./views/audit.js";
import * as customer from "./views/customer.js";
import * as order from "./views/order.js";
import * as orders from "./views/orders.js";
import * as problems from "./views/problems.js";
import * as revenue from "./views/revenue.js";
import * as today from "./views/today.js";

const VIEWS = { today, orders, order, problems, revenue, customer, audit };
const NAV = { order: "orders" };  // the order view lives under "Orders" in the menu
// What the page shows of the shop's data, emptied on sign-out.
const DATA = ["today-cards", "today-since", "orders-list", "order-body", "problems-body", "revenue-body",
  "customer-body", "audit-list", "reconcile-result"];
let current = null;

function say(text, tone = "info") {
  const status = byId("status");
  status.dataset.tone = tone;
  status.textContent = text;
}

/** "#/order/AB12CD34" -> {name: "order", arg: "AB12CD34"}; "#/orders?q=x" -> {name: "orders", arg: "q=x"}. */
function route() {
  const raw = location.hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const search = cut < 0 ? "" : raw.slice(cut + 1);
  const [name, part = ""] = path.split("/");
  if (!VIEWS[name]) return { name: "today", arg: "" };
  return { name, arg: part ? decodeURIComponent(part) : search };
}

function signedIn(yes) {
  byId("desk-nav").hidden = !yes;
  byId("sign-out").hidden = !yes;
  byId("signin").hidden = yes;
  if (!yes) for (const section of document.querySelectorAll(".view")) section.hidden = true;
}

function signIn(message = "") {
  current = null;
  signedIn(false);
  document.title = "Sign in — Shop desk";
  byId("signin-error").textContent = message;
  byId(message ? "token" : "signin-title").focus();
}

function signOut(message) {
  api.forget();
  for (const id of DATA) byId(id).replaceChildren();
  for (const form of document.querySelectorAll("form")) form.reset();
  signIn(message);
}

function fail(error) {
  if (error instanceof api.ApiError && error.kind === "auth") {
    signOut("The shop no longer accepts your token (it may have changed on your host). Sign in again.");
    say("");
  } else {
    say(error.message, "error");
  }
}

async function show({ focus = true } = {}) {
  if (!api.token()) return signIn();
  const next = route();
  const moved = !current || current.name !== next.name || (next.name === "order" && current.arg !== next.arg);
  current = next;
  signedIn(true);
  for (const [name] of Object.entries(VIEWS)) byId(`view-${name}`).hidden = name !== next.name;
  for (const link of document.querySelectorAll("#desk-nav a")) {
    if (link.dataset.view === (NAV[next.name] || next.name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const section = byId(`view-${next.name}`);
  const heading = section.querySelector("h1");
  document.title = `${heading.textContent} — Shop desk`;
  if (focus && moved) heading.focus();
  section.setAttribute("aria-busy", "true");
  say("Loading…");
  try {
    await VIEWS[next.name].show(next.arg, ctx);
  } catch (error) {
    if (error instanceof api.ApiError && error.kind === "not_found" && next.name === "order") {
      byId("order-body").replaceChildren();
      say(`No order ${next.arg}: give the 8-character reference or the cs_… session id.`, "error");
    } else {
      fail(error);
    }
  } finally {
    section.removeAttribute("aria-busy");
  }
  // An action redrew the view under the focused button (focus fell to the page, or to <main> by a
  // click on where the button was): continue from the heading, not the top of the page.
  if ([document.body, byId("main"), null].includes(document.activeElement)) heading.focus();
  return undefined;
}

const ctx = {
  say,
  fail,
  go(hash) {
    if (location.hash === hash) show();
    else location.hash = hash;
  },
  refresh: () => show({ focus: false }),
};

function signInMessage(error) {
  switch (error.kind) {
    case "auth": return "That is not this shop's ADMIN_TOKEN. Check the value on your host (it is case-sensitive) and try again.";
    case "not_configured": return error.message;
    default: return `${error.message} Your token was not checked.`;
  }
}

byId("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = byId("token");
  const value = input.value.trim();
  const button = event.currentTarget.querySelector("button");
  if (!value) {
    byId("signin-error").textContent = "Enter the admin token.";
    input.focus();
    return;
  }
  button.disabled = true;
  try {
    await api.call("today", { secret: value });
    api.keep(value);
    input.value = "";
    byId("signin-error").textContent = "";
    say("Signed in.");
    await show();
  } catch (error) {
    byId("signin-error").textContent = error instanceof api.ApiError ? signInMessage(error) : String(error);
    input.focus();
  } finally {
    button.disabled = false;
  }
});

byId("sign-out").addEventListener("click", () => {
  signOut();
  say("Signed out: the token is forgotten in this tab.");
});

for (const view of Object.values(VIEWS)) view.setup?.(ctx);
// "#main" (the skip link) is a place on the page, not a view: only "#/…" changes the view.
window.addEventListener("hashchange", () => location.hash.startsWith("#/") && show());
show();
