/* The revenue chart, drawn here as SVG (no library): one bar per day per currency, named by its
 * <title> and summed up in its <desc>, with the same numbers in a table for screen readers. */

import { h, svg } from "./dom.js";
import { day, money } from "./format.js";

const HEIGHT = 220;
const PAD = { top: 16, right: 8, bottom: 28, left: 64 };

function bars(series, days, width) {
  const max = Math.max(...series.amounts, 1);
  const inner = { w: width - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const step = inner.w / days.length;
  const baseline = PAD.top + inner.h;
  const parts = [
    svg("line", { class: "grid", x1: PAD.left, x2: width - PAD.right, y1: PAD.top, y2: PAD.top }),
    svg("line", { class: "axis", x1: PAD.left, x2: width - PAD.right, y1: baseline, y2: baseline }),
    svg("text", { class: "tick", x: PAD.left - 6, y: PAD.top + 4, "text-anchor": "end" }, money(max, series.currency)),
    svg("text", { class: "tick", x: PAD.left - 6, y: baseline + 4, "text-anchor": "end" }, money(0, series.currency)),
    svg("text", { class: "tick", x: PAD.left, y: HEIGHT - 8 }, day(days[0])),
    svg("text", { class: "tick", x: width - PAD.right, y: HEIGHT - 8, "text-anchor": "end" }, day(days[days.length - 1])),
  ];
  series.amounts.forEach((amount, n) => {
    const height = Math.round((amount / max) * inner.h * 10) / 10;
    parts.push(svg("rect", {
      class: "bar", "data-day": days[n], "data-amount": amount,
      x: (PAD.left + n * step + step * 0.15).toFixed(1), width: Math.max(step * 0.7, 1).toFixed(1),
      y: (baseline - height).toFixed(1), height,
    }, svg("title", {}, `${day(days[n])}: ${money(amount, series.currency)}`)));
  });
  return parts;
}

function summary(series, days, orders) {
  const total = series.amounts.reduce((a, b) => a + b, 0);
  const best = series.amounts.indexOf(Math.max(...series.amounts));
  const count = orders.reduce((a, b) => a + b, 0);
  const bestText = total ? ` The best day was ${day(days[best])} with ${money(series.amounts[best], series.currency)}.` : "";
  return `${money(total, series.currency)} in total over ${days.length} days, from ${days[0]} to ` +
    `${days[days.length - 1]}; ${count} paid order(s) in all currencies.${bestText}`;
}

/** One chart per currency, `width` pixels wide (the SVG's units are the page's pixels, so its text stays readable). */
export function charts(data, width) {
  return data.series.map((series, n) => {
    const id = `chart-${series.currency}-${n}`;
    return h("figure", { class: "chart" },
      svg("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: "img",
                   "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-desc`, "data-currency": series.currency },
        svg("title", { id: `${id}-title` }, `Revenue per day in ${series.currency.toUpperCase()}, last ${data.days.length} days`),
        svg("desc", { id: `${id}-desc` }, summary(series, data.days, data.orders)),
        bars(series, data.days, width)),
      // The same words as the chart's <desc>, for the eye: not read out twice.
      h("figcaption", { class: "meta", "aria-hidden": "true" }, summary(series, data.days, data.orders)));
  });
}

/** The same numbers as a table, visually hidden (screen readers get them all). Hidden by its
 * wrapper: a table's own box ignores `overflow: hidden` and would widen the page. */
export function table(data) {
  return h("div", { class: "visually-hidden" }, h("table", { id: "revenue-table" },
    h("caption", {}, `Revenue and paid orders per day, last ${data.days.length} days`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"), h("th", { scope: "col" }, "Paid orders"),
      data.series.map((s) => h("th", { scope: "col" }, `Revenue (${s.currency.toUpperCase()})`)))),
    h("tbody", {}, data.days.map((label, n) => h("tr", { "data-day": label },
      h("th", { scope: "row" }, label), h("td", {}, data.orders[n]),
      data.series.map((s) => h("td", {}, money(s.amounts[n], s.currency))))))));
}
