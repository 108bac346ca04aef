/* The confirmation step of an owner action: a form to fill, then "are you sure?" in words that
 * say what will happen, then the call, once (the buttons are disabled while it runs). */

import { ApiError } from "./api.js";
import { busy, h } from "./dom.js";

let asked = 0;

/**
 * A button that opens `form()` (a function returning {fields, check}) inside `host`.
 * `check()` returns {question, confirm, body} or throws Error(message) for the owner to fix.
 * `run(body)` does the call; `missing` says what to tell when the route is not on this shop yet.
 */
export function action({ host, opener, title, form, run, done, missing, ctx }) {
  const panel = h("div", { class: "action-panel", hidden: true });
  const open = h("button", { type: "button", class: "button button-small" }, opener);
  host.append(h("p", {}, open), panel);

  function close() {
    panel.hidden = true;
    panel.replaceChildren();
    open.focus();
  }

  function ask({ question, confirm: confirmLabel, body }) {
    const yes = h("button", { type: "button", class: "button button-small button-danger" }, confirmLabel);
    const no = h("button", { type: "button", class: "button button-secondary button-small" }, "Cancel");
    const id = `confirm-${++asked}`;
    // Said here, by the buttons (the status line may be a long way up the page).
    const failed = h("p", { class: "error", role: "alert" });
    const box = h("div", { class: "confirm", role: "group", "aria-labelledby": id },
      h("p", { id, tabindex: "-1" }, question), failed, h("p", { class: "buttons" }, yes, no));
    no.addEventListener("click", close);
    yes.addEventListener("click", () => busy(yes, async () => {
      no.disabled = true;
      failed.textContent = "";
      try {
        const answer = await run(body);
        panel.hidden = true;
        await done(body, answer);
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind === "auth") ctx.fail(error);
        else failed.textContent = error.kind === "missing_route" ? missing : error.message;
        no.disabled = false;
      }
    }));
    return box;
  }

  open.addEventListener("click", () => {
    const { fields, check } = form();
    const problem = h("p", { class: "error", role: "alert" });
    const next = h("button", { type: "submit", class: "button button-small" }, "Continue");
    const cancel = h("button", { type: "button", class: "button button-secondary button-small" }, "Cancel");
    const row = h("p", { class: "buttons" }, next, cancel);
    const formEl = h("form", { novalidate: true, "aria-label": title }, h("h3", {}, title), fields, problem, row);
    cancel.addEventListener("click", close);
    formEl.addEventListener("submit", (event) => {
      event.preventDefault();
      try {
        const box = ask(check());
        problem.textContent = "";
        // The answers stay in view, locked; the question has its own buttons.
        formEl.querySelectorAll("input, select").forEach((el) => { el.disabled = true; });
        row.hidden = true;
        panel.append(box);
        box.querySelector("[tabindex]").focus();
      } catch (error) {
        problem.textContent = error.message;
      }
    });
    panel.replaceChildren(formEl);
    panel.hidden = false;
    formEl.querySelector("input, select")?.focus();
  });
}
