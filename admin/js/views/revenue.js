/* Revenue per day for the last 30 or 90 days: the page's own SVG chart and the same numbers as
 * a table for screen readers. Redrawn to the new width when the window is resized. */

import { call, query } from "../api.js";
import { byId, h, replace } from "../dom.js";
import { charts, table } from "../chart.js";
import { tzOffset } from "../format.js";

let last = null;
let width = 0;

function draw() {
  const body = byId("revenue-body");
  width = Math.max(280, Math.floor(body.clientWidth));
  replace(body,
    last.series.length ? charts(last, width)
      : h("p", { class: "meta" }, `No paid orders in the last ${last.days.length} days.`),
    table(last));
}

export async function show(arg, ctx) {
  const days = arg === "90" ? 90 : 30;
  for (const n of [30, 90]) {
    const link = byId(`revenue-${n}`);
    if (n === days) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
  last = await call(`revenue${query({ days, tz: tzOffset() })}`);
  draw();
  ctx.say("");
}

export function setup() {
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      const body = byId("revenue-body");
      if (last && !byId("view-revenue").hidden && Math.floor(body.clientWidth) !== width) draw();
    });
  });
}
