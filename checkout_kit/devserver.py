"""`python -m checkout_kit dev`: the whole shop on one local origin.

Serves the published set (exactly what `make site` publishes) and every
`/api/*` route. Without STRIPE_SECRET_KEY it also starts the emulator, seeds it
with the catalog's prices (their exact ids), points the core at it, and has it
deliver signed webhooks here. `/_dev/outbox` lists the emails written in dev.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import os
import secrets
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from checkout_kit import public_site
from checkout_kit.catalog import Catalog
from checkout_kit.config import ConfigError, Secret, Settings, from_env, load_dotenv_file, redact_url
from checkout_kit.security_headers import headers_for, page_headers
from checkout_kit.services import Services
from checkout_kit.web import App

log = logging.getLogger("checkout_kit.dev")
EMULATOR_KEY = "sk_test_emulator_dev"
READ_TIMEOUT_S = 4.0  # a request body that stops arriving gets its 400 within this


def seed_payload(catalog: Catalog) -> dict[str, Any]:
    """The emulator seed for a catalog: each product, and each price under its own id."""
    products, prices = [], []
    for product in catalog.products.values():
        product_id = f"prod_kit_{product.key.replace('-', '_')}"
        products.append({"id": product_id, "name": product.name,
                         **({"description": product.description} if product.description else {})})
        for price in product.prices:
            entry: dict[str, Any] = {
                "id": price.id or f"price_dev_{(price.lookup_key or product.key).replace('-', '_')}",
                "product": product_id, "currency": price.currency,
                "unit_amount": price.unit_amount if price.unit_amount is not None else 0,
            }
            if price.lookup_key:
                entry["lookup_key"] = price.lookup_key
            if price.recurring:
                entry["recurring"] = {"interval": price.recurring, "interval_count": price.interval_count}
            prices.append(entry)
    return {"products": products, "prices": prices}


@dataclass
class DevShop:
    """The dev server and, when offline, its emulator. `start()`, `stop()`, or use `with`."""

    port: int = 8000
    emulator_port: int = 12111
    env: dict[str, str] | None = None
    root: Path = public_site.ROOT
    settle_after: float | None = 10.0
    retry_first_delay: float = 2.0

    def __post_init__(self) -> None:
        self.emulator: Any = None
        self._server: Any = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "DevShop":
        from checkout_kit.local_server import serve, start_serving

        env = dict(os.environ if self.env is None else self.env)
        # Bind first so that port 0 (tests) is known before SITE_URL is set; serve once the app exists.
        # stop() waits for requests in flight before closing the store.
        self._server = serve(self._wsgi, "127.0.0.1", self.port, wait_for_requests=True, start=False,
                             read_timeout=READ_TIMEOUT_S)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        env.setdefault("SITE_URL", self.url)
        settings = from_env(env)
        self.offline = not settings.stripe_secret_key
        if self.offline:
            settings = self._start_emulator(settings)
        self.services = Services(settings)
        self.app = App(self.services)
        start_serving(self._server, "dev-http")
        return self

    def _start_emulator(self, settings: Settings) -> Settings:
        from checkout_kit.emulator import Emulator
        from checkout_kit.emulator.delivery import RetryPolicy

        secret = settings.stripe_webhook_secrets[0] if settings.stripe_webhook_secrets else \
            Secret(f"whsec_dev_{secrets.token_hex(16)}")
        self.emulator = Emulator(port=self.emulator_port, endpoints=[(f"{self.url}/api/webhook", secret.reveal())],
                                 retry=RetryPolicy(first_delay=self.retry_first_delay), settle_after=self.settle_after)
        self.emulator.start()
        settings = replace(settings, stripe_secret_key=Secret(EMULATOR_KEY), stripe_api_base=self.emulator.url,
                           stripe_webhook_secrets=(secret,))
        from checkout_kit import catalog as catalog_module

        catalog = catalog_module.load(settings.catalog_path)
        payload = seed_payload(catalog)
        with self.emulator.state.lock:
            self.emulator.ctl_seed(payload)
        if not settings.stripe_portal_configuration:  # what `setup-portal` makes in a real account
            from checkout_kit.subscriptions_admin import portal_configuration

            products: dict[str, tuple[str, list[str]]] = {}
            for price in payload["prices"]:
                if price.get("recurring"):
                    products.setdefault(price["product"], (price["product"], []))[1].append(price["id"])
            config = self.emulator.configure_portal(portal_configuration(catalog, products, settings.site_url))
            settings = replace(settings, stripe_portal_configuration=config)
        return settings

    def stop(self) -> None:
        """Stop in dependency order: no new webhooks, no new requests, finish those running, then the store."""
        if self.emulator is not None:
            self.emulator.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()  # joins the request threads still running (see serve's wait_for_requests)
        if getattr(self, "services", None):
            self.services.close()

    def __enter__(self) -> "DevShop":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---- serving ------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        if path.startswith("/api/"):
            return self.app(environ, start_response)
        if path.rstrip("/") == "/_dev/outbox":
            return self._outbox(start_response)
        return self._static(environ, path, start_response)

    def _static(self, environ: dict[str, Any], path: str, start_response: Any) -> Iterable[bytes]:
        """The published set, as a static host serves it: `/404.html` for unknown paths (Vercel and
        Netlify do the same), validators for revalidation, and the pages' security headers."""
        method = environ.get("REQUEST_METHOD", "GET")
        file = public_site.resolve(path, self.root)
        extra = self.emulator.url if self.emulator else None
        status = "200 OK"
        if file is None:
            file = public_site.resolve("/404.html", self.root)
            status = "404 Not Found"
            if file is None:
                start_response(status, page_headers(extra) + [("Content-Type", "text/plain; charset=utf-8")])
                return [b"Not found"]
        elif method not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", page_headers(extra) + [("Allow", "GET, HEAD")])
            return [b""]
        name = path.lstrip("/")
        name += "index.html" if name == "" or name.endswith("/") else ""
        headers = headers_for(name if status.startswith("200") else "404.html", extra)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        body = file.read_bytes()
        stat = file.stat()
        etag = f'W/"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers += [("Content-Type", kind), ("ETag", etag)]
        if status.startswith("200") and environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", headers)
            return [b""]
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]

    def _outbox(self, start_response: Any) -> Iterable[bytes]:
        directory = Path(self.services.settings.outbox_dir)
        files = sorted(directory.glob("*.eml"), reverse=True) if directory.is_dir() else []
        body = json.dumps({"transport": self.services.settings.mail_transport, "directory": str(directory),
                           "emails": [f.name for f in files]}, indent=2).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
        return [body]


def banner(shop: DevShop) -> str:
    settings = shop.services.settings
    lines = [f"Checkout Kit dev shop: {shop.url}/"]
    if shop.offline:
        lines.append(f"Offline: Stripe emulator on {shop.emulator.url} (no STRIPE_SECRET_KEY), seeded from "
                     f"{settings.catalog_path}; webhooks are signed and sent to {shop.url}/api/webhook")
    else:
        lines.append(f"Using Stripe with {settings.stripe_secret_key.masked() if settings.stripe_secret_key else '?'}")
        lines.append("Webhooks: run `stripe listen --forward-to "
                     f"{shop.url}/api/webhook` and put the whsec_… it prints in STRIPE_WEBHOOK_SECRET, "
                     "or use a deployed endpoint (python -m checkout_kit setup-webhook URL).")
    where = {"smtp": "your SMTP server", "api": f"the {settings.mail_api} API",
             "outbox": f"{settings.outbox_dir}/*.eml (list: {shop.url}/_dev/outbox)"}[settings.mail_transport]
    lines.append(f"Emails go to {where}; orders to {redact_url(settings.database_url.reveal())}")
    return "\n".join(lines)


def run(port: int, emulator_port: int) -> int:
    from checkout_kit.cli import TEST_CARDS_HELP

    load_dotenv_file()
    shop = DevShop(port=port, emulator_port=emulator_port)
    try:
        shop.start()
    except ConfigError as exc:
        print(f"Configuration problem — {exc}")
        return 2
    except OSError as exc:
        print(f"Cannot start the dev shop: {exc.strerror or exc}. Is another copy running? Try --port/--emulator-port.")
        return 1
    print(banner(shop))
    print(TEST_CARDS_HELP)
    print("Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()
    return 0
