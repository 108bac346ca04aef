"""`python -m checkout_kit dev`: the whole shop on one local origin, following your edits.

Serves the published set (exactly what `make site` publishes, with the shop's
identity filled in as the build fills it) and every `/api/*` route. Without
STRIPE_SECRET_KEY it also starts the emulator, seeds it with the catalog's
prices (their exact ids), points the core at it, and has it deliver signed
webhooks here. `/_dev/outbox` shows the emails written in dev.

Edits need no restart: each request checks the modification time of
catalog.toml and .env, and on a change the settings and catalog are read again
(new prices are seeded into the emulator); a page added to site/ is served at
once. A broken edit is logged and the previous version keeps serving.
`localhost`, `127.0.0.1` and `[::1]` on the dev port are all accepted origins.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import secrets
import signal
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from checkout_kit import public_site, shop_pages
from checkout_kit.catalog import Catalog, CatalogError, Price, find_catalog
from checkout_kit.catalog import load as load_catalog
from checkout_kit.config import ConfigError, Secret, Settings, from_env, redact_url
from checkout_kit.emulator.errors import StripeError
from checkout_kit.security_headers import headers_for, page_headers
from checkout_kit.services import Services
from checkout_kit.web import App

log = logging.getLogger("checkout_kit.dev")
EMULATOR_KEY = "sk_test_emulator_dev"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
READ_TIMEOUT_S = 4.0  # a request body that stops arriving gets its 400 within this


def seed_product_id(key: str) -> str:
    return f"prod_kit_{key.replace('-', '_')}"


def seeded_price_id(price: Price) -> str:
    """The id a catalog price has in the dev emulator: its own, or one made from its lookup key."""
    return price.id or f"price_dev_{(price.lookup_key or price.product_key).replace('-', '_')}"


def seed_payload(catalog: Catalog) -> dict[str, Any]:
    """The emulator seed for a catalog: each product, and each price under its own id."""
    products, prices = [], []
    for product in catalog.products.values():
        product_id = seed_product_id(product.key)
        products.append({"id": product_id, "name": product.name,
                         **({"description": product.description} if product.description else {})})
        for price in product.prices:
            entry: dict[str, Any] = {
                "id": seeded_price_id(price),
                "product": product_id, "currency": price.currency,
                "unit_amount": price.unit_amount if price.unit_amount is not None else 0,
            }
            if price.lookup_key:
                entry["lookup_key"] = price.lookup_key
            if price.recurring:
                entry["recurring"] = {"interval": price.recurring, "interval_count": price.interval_count}
            if price.currency_options:
                entry["currency_options"] = {c: {"unit_amount": a} for c, a in price.currency_options}
            prices.append(entry)
    return {"products": products, "prices": prices}


def _stamp(path: Path | None) -> tuple[int, int] | None:
    """What changes when a file is edited (or appears, or goes)."""
    try:
        stat = path.stat() if path else None
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


@dataclass
class DevShop:
    """The dev server and, when offline, its emulator. `start()`, `stop()`, or use `with`."""

    port: int = 8000
    emulator_port: int = 12111
    env: dict[str, str] | None = None  # the environment; None: os.environ at start()
    root: Path = public_site.ROOT
    site: Path | None = None  # the storefront folder; None: root/site (the kit's tests serve a fixture one)
    dotenv: Path | None = None  # a .env file, re-read when it changes (`run` passes ./.env)
    settle_after: float | None = 10.0
    retry_first_delay: float = 2.0

    def __post_init__(self) -> None:
        self.emulator: Any = None
        self._server: Any = None
        self._server6: Any = None
        self._lock = threading.Lock()
        self._retired: list[Services] = []
        self.url = f"http://127.0.0.1:{self.port}"

    # ---- configuration, read again when catalog.toml or .env change -----------------------

    def environment(self) -> dict[str, str]:
        """The base environment with .env under it (real variables win, as python-dotenv does)."""
        env = dict(self._base_env)
        if self.dotenv is not None and self.dotenv.is_file():
            from dotenv import dotenv_values

            for key, value in dotenv_values(self.dotenv).items():
                if value is not None:
                    env.setdefault(key, value)
        env.setdefault("SITE_URL", self.url)
        return env

    def _settings(self) -> Settings:
        settings = from_env(self.environment())
        # The shop answers on each loopback name, whichever one the browser was given. (Only while SITE_URL
        # is local too: with SITE_URL elsewhere the dev server plays the functions' host, not the site.)
        if urlsplit(settings.site_url).hostname in ("127.0.0.1", "localhost", "::1"):
            ports = dict.fromkeys([self.port, urlsplit(settings.site_url).port or 80])
            local = tuple(f"http://{host}:{port}" for port in ports for host in LOOPBACK_HOSTS)
            settings = replace(settings, allowed_origins=tuple(dict.fromkeys(settings.allowed_origins + local)))
        if self.offline:
            if settings.stripe_secret_key:
                log.warning("STRIPE_SECRET_KEY is now set: restart `make dev` to use Stripe instead of the emulator")
            settings = replace(settings, stripe_secret_key=Secret(EMULATOR_KEY), stripe_api_base=self.emulator.url,
                               stripe_webhook_secrets=(self._webhook_secret,))
        return settings

    def _stamps(self, settings: Settings) -> tuple[Any, ...]:
        return (_stamp(find_catalog(settings.catalog_path)), _stamp(self.dotenv))

    def _load(self, settings: Settings, previous: Services | None = None) -> Services:
        """Services for these settings, with the catalog read now (so a broken one is refused here) and
        the emulator seeded with its prices. The database connection is kept while its URL is the same."""
        same_db = previous is not None and previous.settings.database_url == settings.database_url
        catalog = load_catalog(settings.catalog_path)
        if self.emulator is not None:
            payload = self._seed(settings, catalog)
            if not settings.stripe_portal_configuration:  # what `setup-portal` makes in a real account
                settings = replace(settings, stripe_portal_configuration=self._portal(catalog, payload, settings))
        return Services(settings, _store=previous._store if same_db and previous else None, _catalog=catalog)

    def _portal(self, catalog: Catalog, payload: dict[str, Any], settings: Settings) -> str:
        """A customer portal configuration in the emulator for this catalog's plans; its id."""
        from checkout_kit.subscriptions_admin import portal_configuration

        products: dict[str, tuple[str, list[str]]] = {}
        for price in payload["prices"]:
            if price.get("recurring"):
                products.setdefault(price["product"], (price["product"], []))[1].append(price["id"])
        return self.emulator.configure_portal(portal_configuration(catalog, products, settings.site_url),
                                              account=settings.stripe_account)

    def _seed(self, settings: Settings, catalog: Catalog) -> dict[str, Any]:
        """The emulator gets the catalog's products and prices (in STRIPE_ACCOUNT's account when set), the
        shop's name for invoices, and its coupons and codes through the API, as `catalog push` does."""
        payload = seed_payload(catalog)
        if settings.stripe_account:
            payload["account"] = settings.stripe_account
        with self.emulator.state.lock:
            # An amount edited in catalog.toml is charged here at once; Stripe itself keeps a price's amount.
            repriced = self.emulator.ctl_seed({**payload, "reprice": True})["repriced"]
            self.emulator.account_state(settings.stripe_account).account_name = catalog.shop_name
        for price_id in repriced:
            log.warning("%s now charges what catalog.toml says in this dev shop. A price in your Stripe account "
                        "never changes its amount: `python -m checkout_kit catalog push --write` creates a new one "
                        "and writes its id into catalog.toml.", price_id)
        if catalog.offers.coupons:
            from checkout_kit import promotions
            from checkout_kit.stripe_gateway import StripeGateway

            product_ids = {key: seed_product_id(key) for key in catalog.products}
            list(promotions.push(StripeGateway(settings), catalog, product_ids))
        return payload

    def _current(self) -> App:
        """The app for the files as they are now: reloaded when catalog.toml or .env changed."""
        app = self.app
        if self._stamps(app.services.settings) == self._loaded:
            return app
        with self._lock:
            app = self.app
            old = app.services
            if self._stamps(old.settings) == self._loaded:
                return app
            try:
                settings = self._settings()
                stamps = self._stamps(settings)
                services = self._load(settings, old)
            except (ConfigError, CatalogError, StripeError) as exc:  # StripeError: the emulator refused a price
                self._loaded = self._stamps(old.settings)  # say it once per edit, not once per request
                log.error("not reloaded, still serving the previous version: %s", exc)
                return app
            self._loaded = stamps
            self.app = App(services)
            self._retired.append(old)
            log.warning("reloaded %s and .env: %d products", settings.catalog_path, len(services.catalog.products))
            return self.app

    @property
    def services(self) -> Services:
        return self.app.services

    # ---- start and stop -------------------------------------------------------------------

    def start(self) -> "DevShop":
        from checkout_kit.local_server import serve, start_serving

        self._base_env = dict(os.environ if self.env is None else self.env)
        # Bind first so that port 0 (tests) is known before SITE_URL is set; serve once the app exists.
        # stop() waits for requests in flight before closing the store.
        self._server = serve(self._wsgi, "127.0.0.1", self.port, wait_for_requests=True, start=False,
                             read_timeout=READ_TIMEOUT_S)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        try:
            first = from_env(self.environment())
            self.offline = not first.stripe_secret_key
            if self.offline:
                self._start_emulator(first)
            settings = self._settings()
            self._loaded = self._stamps(settings)
            self.app = App(self._load(settings))
        except BaseException:
            # Never served, so shutdown() would wait forever: close the socket and the emulator only.
            self._server.server_close()
            self._server = None
            if self.emulator is not None:
                self.emulator.stop()
                self.emulator = None
            raise
        start_serving(self._server, "dev-http")
        self._serve_ipv6()
        return self

    def _serve_ipv6(self) -> None:
        """Also answer on [::1]:port, where `localhost` may resolve first; skipped where IPv6 is off."""
        from checkout_kit.local_server import serve

        try:
            self._server6 = serve(self._wsgi, "::1", self.port, name="dev-http6", read_timeout=READ_TIMEOUT_S)
        except OSError as exc:
            log.debug("not serving on [::1]:%d: %s", self.port, exc)

    def _start_emulator(self, settings: Settings) -> None:
        from checkout_kit.emulator import Emulator
        from checkout_kit.emulator.delivery import RetryPolicy

        secret = settings.stripe_webhook_secrets[0] if settings.stripe_webhook_secrets else \
            Secret(f"whsec_dev_{secrets.token_hex(16)}")
        self._webhook_secret = secret
        self.emulator = Emulator(port=self.emulator_port, endpoints=[(f"{self.url}/api/webhook", secret.reveal())],
                                 retry=RetryPolicy(first_delay=self.retry_first_delay), settle_after=self.settle_after)
        self.emulator.start()

    def stop(self) -> None:
        """Stop in dependency order: no new webhooks, no new requests, finish those running, then the store."""
        if self.emulator is not None:
            self.emulator.stop()
        for server in (self._server6, self._server):
            if server is not None:
                server.shutdown()
                server.server_close()  # joins the request threads still running (see serve's wait_for_requests)
        app = getattr(self, "app", None)
        closed = set()
        for services in [*self._retired, *([app.services] if app else [])]:
            if id(services._store) not in closed:
                closed.add(id(services._store))
                services.close()

    def __enter__(self) -> "DevShop":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---- serving ------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "/")
        app = self._current()
        if path.startswith("/api/"):
            return app(environ, start_response)
        if path.rstrip("/") == "/_dev/outbox" or path.startswith("/_dev/outbox/"):
            from checkout_kit.dev_outbox import serve_outbox

            settings = app.services.settings
            return serve_outbox(Path(settings.outbox_dir), path, start_response, settings.mail_transport)
        return self._static(environ, path, start_response, app.services)

    def _static(self, environ: dict[str, Any], path: str, start_response: Any,
                services: Services) -> Iterable[bytes]:
        """The published set, as a static host serves it: `/404.html` for unknown paths (Vercel and
        Netlify do the same), validators for revalidation, the pages' security headers, and the
        shop's identity filled in as `make site` fills it."""
        method = environ.get("REQUEST_METHOD", "GET")
        file = public_site.resolve(path, self.root, self.site)
        extra = self.emulator.url if self.emulator else None
        status = "200 OK"
        if file is None:
            file = public_site.resolve("/404.html", self.root, self.site)
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
        if shop_pages.fills(file.name):
            try:
                body = shop_pages.fill(body.decode("utf-8"), shop_pages.Identity(services.shop)).encode("utf-8")
            except shop_pages.FillError as exc:
                log.error("%s: %s (served as it is; `make check` lists every such problem)", file, exc)
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:16]}"'
        headers += [("Content-Type", kind), ("ETag", etag)]
        if status.startswith("200") and environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", headers)
            return [b""]
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]


def banner(shop: DevShop) -> str:
    settings = shop.services.settings
    lines = [f"Checkout Kit dev shop: {shop.url}/  (also http://localhost:{shop.port}/)"]
    if shop.offline:
        lines.append(f"Offline: Stripe emulator on {shop.emulator.url} (no STRIPE_SECRET_KEY), seeded from "
                     f"{settings.catalog_path}; webhooks are signed and sent to {shop.url}/api/webhook")
    else:
        lines.append(f"Using Stripe with {settings.stripe_secret_key.masked() if settings.stripe_secret_key else '?'}")
        lines.append("Webhooks: run `stripe listen --forward-to "
                     f"{shop.url}/api/webhook` and put the whsec_… it prints in STRIPE_WEBHOOK_SECRET, "
                     "or use a deployed endpoint (python -m checkout_kit setup-webhook URL).")
    where = {"smtp": "your SMTP server", "api": f"the {settings.mail_api} API",
             "outbox": f"{settings.outbox_dir}/ (read them at {shop.url}/_dev/outbox)"}[settings.mail_transport]
    lines.append(f"Emails go to {where}; orders to {redact_url(settings.database_url.reveal())}")
    lines.append(f"Edits of {settings.catalog_path}, .env and site/ apply at the next request: no restart needed.")
    return "\n".join(lines)


def _stop_on_signals() -> None:
    """Ctrl-C (and `kill`) stop the shop cleanly, even when started with SIGINT ignored — as a
    script's background job is, which Python would otherwise leave deaf to Ctrl-C."""
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)


def run(port: int, emulator_port: int) -> int:
    from checkout_kit.cli import TEST_CARDS_HELP

    shop = DevShop(port=port, emulator_port=emulator_port, dotenv=Path(".env"))
    try:
        shop.start()
    except (ConfigError, CatalogError) as exc:
        print(f"Configuration problem — {exc}")
        return 2
    except OSError as exc:
        print(f"Cannot start the dev shop: {exc.strerror or exc}. Is another copy running? Try --port/--emulator-port.")
        return 1
    _stop_on_signals()  # before the banner says so: a Ctrl-C right after it must not be lost
    try:
        print(banner(shop))
        print(TEST_CARDS_HELP)
        print("Ctrl-C stops it.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()
    return 0
