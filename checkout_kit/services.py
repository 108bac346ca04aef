"""The ports the core uses, chosen by configuration and built on first use.

Entry points (Vercel functions, the dev server, the CLI, Netlify's Pyodide
wrapper) share one `Services` per process, so a warm instance keeps its
database connection and parsed catalog. Tests build their own with fakes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from checkout_kit import catalog as catalog_module
from checkout_kit.config import Settings, from_env, load_dotenv_file


@dataclass
class Services:
    settings: Settings
    _catalog: Any = None
    _store: Any = None
    _gateway: Any = None
    _mailer: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def catalog(self) -> catalog_module.Catalog:
        if self._catalog is None:
            self._catalog = catalog_module.load(self.settings.catalog_path)
        return self._catalog

    @property
    def shop(self) -> catalog_module.Shop:
        """Who is selling (`[shop]`), with SUPPORT_EMAIL winning over the catalog's support address."""
        return self.catalog.shop.with_support_email(self.settings.support_email)

    @property
    def store(self) -> Any:
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from checkout_kit.store import open_store

                    self._store = open_store(self.settings.database_url.reveal(), self.settings.database_pool_size,
                                             self.settings.database_prepare)
        return self._store

    @property
    def gateway(self) -> Any:
        if self._gateway is None:
            from checkout_kit.stripe_gateway import StripeGateway

            self._gateway = StripeGateway(self.settings)
        return self._gateway

    @property
    def mailer(self) -> Any:
        if self._mailer is None:
            from checkout_kit.mail import make_transport

            self._mailer = make_transport(self.settings)
        return self._mailer

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


_shared: Services | None = None
_shared_lock = threading.Lock()


def shared() -> Services:
    """The process-wide services, from `.env` and the environment (validated once)."""
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                load_dotenv_file()
                _shared = Services(from_env())
    return _shared


def reset_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
    _shared = None
