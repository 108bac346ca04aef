"""Netlify's fallback deployment (netlify.fallback.toml, documented in the README:
copy it over netlify.toml to use it): Netlify publishes public/ and proxies /api/* to
the Vercel deployment. The rules are checked as Netlify reads them, and the
proxy is exercised: a stand-in for Netlify's edge forwards /api/* to the kit's
WSGI app exactly as the redirect rule says (path, query, method, body, headers)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from checkout_kit.security_headers import page_headers
from checkout_kit.web import ROUTES

ROOT = Path(__file__).resolve().parents[2]


def config() -> dict:
    return tomllib.loads((ROOT / "netlify.fallback.toml").read_text())


def test_build_publishes_only_public():
    build = config()["build"]
    assert build["publish"] == "public" and build["command"] == "sh scripts/build-site.sh"


def test_api_is_proxied_to_vercel_with_a_forced_rewrite():
    rules = [r for r in config()["redirects"] if r["from"].startswith("/api/")]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["from"] == "/api/*" and rule["status"] == 200 and rule["force"] is True
    assert re.fullmatch(r"https://[^/]+/api/:splat", rule["to"])


def splat_target(rule: dict, path: str) -> str | None:
    """Apply a Netlify `from = "/api/*"` → `to = ".../:splat"` rule to a request path."""
    prefix = rule["from"][:-1]
    if not path.startswith(prefix):
        return None
    return rule["to"].replace(":splat", path[len(prefix):])


def test_every_route_maps_to_the_same_path_on_vercel():
    rule = next(r for r in config()["redirects"] if r["from"] == "/api/*")
    for route in ROUTES:
        target = splat_target(rule, route)
        assert target is not None and target.endswith(route)
    assert splat_target(rule, "/index.html") is None


def test_headers_match_the_dev_server_and_vercel():
    pages = next(h for h in config()["headers"] if h["for"] == "/*")["values"]
    for key, value in page_headers():
        assert pages[key] == value, f"netlify.fallback.toml's {key} differs from checkout_kit/security_headers.py"
    vercel = json.loads((ROOT / "vercel.json").read_text())
    vercel_pages = {h["key"]: h["value"] for h in next(x for x in vercel["headers"] if x["source"] == "/(.*)")["headers"]}
    assert {k: v for k, v in pages.items()} == vercel_pages
    success = next(h for h in config()["headers"] if h["for"] == "/success.html")["values"]
    assert success["Referrer-Policy"] == "no-referrer"


def test_proxied_checkout_keeps_the_netlify_origin(tmp_path):
    """Through the proxy the browser's Origin is the Netlify site, which SITE_URL on Vercel names."""
    import io

    from checkout_kit.config import from_env
    from checkout_kit.services import Services
    from checkout_kit.web import App

    services = Services(from_env({"SITE_URL": "https://shop.netlify.app", "DATABASE_URL": f"sqlite:///{tmp_path}/o.db",
                                  "CATALOG_PATH": str(ROOT / "catalog.toml")}))
    app = App(services)
    rule = next(r for r in config()["redirects"] if r["from"] == "/api/*")
    path = splat_target(rule, "/api/create-checkout-session").split(".app", 1)[1]
    body = json.dumps({"priceId": "price_unknown"}).encode()
    statuses = []

    def call(origin: str) -> int:
        env = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": "", "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json", "HTTP_ORIGIN": origin,
               "REMOTE_ADDR": "127.0.0.1"}
        b"".join(app(env, lambda s, h: statuses.append(int(s.split()[0]))))
        return statuses[-1]

    assert call("https://shop.netlify.app") == 400  # allowed origin; the unknown price is what fails
    assert call("https://evil.example") == 403
    services.close()
