"""Accessibility basics of the published pages, checked in Chromium: landmarks, one visible
h1, labelled controls, alt text, text contrast (WCAG AA, 4.5:1), visible focus, and no
animation when the visitor asks for reduced motion."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import buy_button

pytestmark = pytest.mark.browser
PAGES = ["/", "/button-outside-a-form.html", "/account.html", "/success.html", "/canceled.html", "/no-such-page"]

STRUCTURE = """() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const problems = [];
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  if (document.querySelectorAll("main").length !== 1) problems.push("not exactly one <main>");
  if (!document.querySelector("header nav[aria-label]")) problems.push("no labelled navigation in the header");
  const h1 = [...document.querySelectorAll("h1")].filter(visible);
  if (h1.length !== 1) problems.push(h1.length + " visible h1");
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!el.labels.length && !el.getAttribute("aria-label")) problems.push("unlabelled " + el.outerHTML);
  }
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) problems.push("img without alt " + el.src);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (visible(el) && !el.textContent.trim() && !el.getAttribute("aria-label")) problems.push("nameless " + el.outerHTML);
  }
  for (const a of document.querySelectorAll("a[href^='#']")) {
    if (a.getAttribute("href").length > 1 && !document.getElementById(a.getAttribute("href").slice(1)))
      problems.push("link to a missing target " + a.getAttribute("href"));
  }
  return problems;
}"""

CONTRAST = """() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
    if (el.closest("pre, [aria-hidden=true], .visually-hidden")) continue;  // code blocks: light on dark, checked by eye
    const style = getComputedStyle(el);
    const fg = parse(style.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.66 && +style.fontWeight >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(ratio.toFixed(2) + ": " + node.textContent.trim().slice(0, 40));
  }
  return problems;
}"""


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_landmarks_headings_labels_and_enough_contrast(shop, page: Page, path: str) -> None:
    page.goto(shop.url + path)
    page.wait_for_timeout(100)  # success.html settles on a state
    assert page.evaluate(STRUCTURE) == []
    assert page.evaluate(CONTRAST) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_storefront_in_error_and_busy_states_keeps_contrast(shop, page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(shop.url + "/")
    page.route("**/api/create-checkout-session", lambda r: r.fulfill(status=400, json={"error": {"message": "Sold out."}}))
    buy_button(page, "Buy the e-book").click()
    expect(page.get_by_text("Sold out.")).to_be_visible()
    assert page.evaluate(CONTRAST) == []


def test_focus_is_visible_on_every_control(shop, page: Page) -> None:
    page.goto(shop.url + "/")
    seen: list[Any] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        item = page.evaluate("""() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30),
                    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
        }""")
        if item["tag"] == "BODY":  # past the last control
            break
        seen.append(item)
    assert all(item["outline"] for item in seen), [item for item in seen if not item["outline"]]
    assert {"Skip to the products", "Buy the e-book", "Buy T-shirts", "Become a member"} <= {i["text"] for i in seen}


def test_reduced_motion_stops_the_busy_spinner(shop, page: Page) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(shop.url + "/")
    page.route("**/api/create-checkout-session", lambda route: None)  # hangs: the button stays busy
    button = buy_button(page, "Buy the e-book")
    button.click()
    expect(button).to_have_attribute("aria-busy", "true")
    spinner = button.evaluate("el => { const s = getComputedStyle(el, '::before'); return [s.animationName, s.content]; }")
    assert spinner[0] == "none" and "…" in spinner[1]
    expect(button).to_have_accessible_name("Buy the e-book")  # the ellipsis is not read out
    page.emulate_media(reduced_motion="no-preference")
    assert button.evaluate("el => getComputedStyle(el, '::before').animationName") == "spin"
