/* Building the page from data. Text always goes in as text nodes, never as HTML: orders carry
 * what customers typed. */

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** h("p", {class: "meta"}, "text", childNode, [more]) */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function byId(id) {
  return document.getElementById(id);
}

export function replace(el, ...children) {
  el.replaceChildren();
  return fill(el, {}, children);
}

/** A term/description list from [label, value] pairs (pairs with a null value are left out). */
export function facts(pairs, attrs = {}) {
  return h("dl", { class: "facts", ...attrs }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
}

/** A list of `rows`, each drawn by `render` into its item; the sentence `empty` when there are none. */
export function entries(rows, empty, render) {
  return rows.length ? h("ul", { class: "entries" }, rows.map((r) => h("li", {}, render(r)))) : h("p", { class: "meta" }, empty);
}

/** Run `work` with the button busy and disabled (a second click cannot send twice). */
export async function busy(button, work) {
  if (button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** Save a Blob as a file the browser downloads. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
