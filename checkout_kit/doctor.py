"""`python -m checkout_kit doctor`: check the configuration, say what is wrong and how to fix it.

Each check prints ok, warn or FAIL with a fix. Secrets are shown masked at most.
The exit status is 1 when anything failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from checkout_kit import catalog as catalog_module
from checkout_kit.config import ConfigError, from_env, load_dotenv_file, redact_url
from checkout_kit.services import Services

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass
class Finding:
    level: str
    what: str
    fix: str = ""


def check(services: Services) -> list[Finding]:
    s = services.settings
    found: list[Finding] = []
    add = lambda level, what, fix="": found.append(Finding(level, what, fix))  # noqa: E731

    key = s.stripe_secret_key.reveal() if s.stripe_secret_key else ""
    if not key:
        add(WARN, "STRIPE_SECRET_KEY is not set: only `make dev` (offline emulator) works",
            "put your test key (Dashboard → Developers → API keys, sk_test_…) in .env")
    else:
        live = "_live_" in key
        mode = "live" if live else "test"
        add(OK, f"STRIPE_SECRET_KEY is a {mode}-mode {'restricted ' if key.startswith('rk_') else ''}key ({s.stripe_secret_key.masked()})")
        if key.startswith("rk_"):
            add(WARN, "a restricted key needs write access to Checkout Sessions and read access to Prices",
                "check the key's permissions in the Dashboard")
        if live and s.site_url.startswith("http://"):
            add(FAIL, "a live key with an http:// SITE_URL", "serve the site over https and set SITE_URL=https://…")
    if key and not s.stripe_webhook_secrets:
        add(FAIL, "STRIPE_WEBHOOK_SECRET is not set: webhooks will be refused and orders recorded only from the success page",
            "run `python -m checkout_kit setup-webhook https://<site>/api/webhook` or `stripe listen` and copy the whsec_…")
    elif s.stripe_webhook_secrets:
        add(OK, f"STRIPE_WEBHOOK_SECRET set ({', '.join(x.masked() for x in s.stripe_webhook_secrets)})")

    host = urlsplit(s.site_url).hostname or ""
    if s.site_url.startswith("http://") and host not in ("127.0.0.1", "localhost"):
        add(WARN, f"SITE_URL {redact_url(s.site_url)} is not https", "use your site's https:// address")
    else:
        add(OK, f"SITE_URL {redact_url(s.site_url)}")

    try:
        store = services.store
        version = store.migrate()
        store.ping()
        add(OK, f"database {redact_url(s.database_url.reveal())} reachable, schema version {version}")
    except Exception as exc:  # any driver error: report it, without the URL's password
        add(FAIL, f"database {redact_url(s.database_url.reveal())}: {str(exc).splitlines()[0][:200]}",
            "check DATABASE_URL and that the database accepts connections from here")
    else:
        recent_problems(store, add)

    transport = s.mail_transport
    if transport == "outbox":
        add(WARN, f"no mail transport: emails are written to {s.outbox_dir}/ (development only)",
            "set SMTP_URL=smtp://user:pass@host:587, or MAIL_API=resend and MAIL_API_KEY")
    elif transport == "smtp":
        from checkout_kit.mail import SmtpTransport

        smtp = SmtpTransport(s.smtp_url.reveal())  # type: ignore[union-attr]
        try:
            import smtplib

            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=10) if smtp.tls else smtplib.SMTP(smtp.host, smtp.port, timeout=10)
            with client:
                client.ehlo()
                if not smtp.tls and client.has_extn("starttls"):
                    client.starttls()
                    client.ehlo()
                if smtp.user:
                    client.login(smtp.user, smtp.password or "")
            add(OK, f"SMTP server {smtp.host}:{smtp.port} accepts us")
        except Exception as exc:
            add(FAIL, f"SMTP server {smtp.host}:{smtp.port}: {type(exc).__name__}", "check SMTP_URL's host, port and credentials")
    else:
        add(OK, f"mail through the {s.mail_api} API (key {s.mail_api_key.masked() if s.mail_api_key else '?'})")
    if not s.merchant_email:
        add(WARN, "MERCHANT_EMAIL is not set: you will not get a copy of each order", "set MERCHANT_EMAIL=you@example.com")
    if s.email_from.endswith("@localhost>"):
        add(WARN, "EMAIL_FROM is the placeholder", "set EMAIL_FROM='Your Shop <shop@your-domain>' (a sender your mail service accepts)")

    try:
        catalog = services.catalog
        add(OK, f"catalog: {len(catalog.products)} products, {len(catalog.prices())} prices")
    except catalog_module.CatalogError as exc:
        add(FAIL, str(exc), "fix catalog.toml")
        return found
    reached = bool(key)  # Stripe answered (the checks below would only repeat why not)
    if key:
        from checkout_kit.stripe_gateway import GatewayError

        for price in catalog.prices():
            try:
                if price.id:
                    data = services.gateway.retrieve_price(price.id)
                else:
                    matches = services.gateway.prices_by_lookup_keys([price.lookup_key or ""])
                    data = matches[0] if matches else None
            except GatewayError as exc:
                if exc.kind != "not_found":
                    from checkout_kit.stripe_diagnosis import diagnose

                    problem = diagnose(exc, s)
                    add(FAIL, f"cannot read the catalog's prices. {problem.what}", problem.fix)
                    reached = False
                    break
                data = None
            if data is None:
                add(FAIL, f"price {price.ref} ({price.product_key}) does not exist in this Stripe account",
                    "run `python -m checkout_kit catalog push --write`")
            elif not data.get("active"):
                add(FAIL, f"price {price.ref} ({price.product_key}) is archived in Stripe", "reactivate it or push a new one")
            else:
                add(OK, f"price {price.ref} ({price.product_key}) is active in Stripe")
    if reached:
        found += webhook_findings(services)
        if any(price.recurring for price in catalog.prices()):
            found += portal_findings(services)
    if s.kit_signing_key:
        add(OK, "KIT_SIGNING_KEY set: portal links and other signed links work on every instance")
    else:
        add(WARN, f"KIT_SIGNING_KEY is not set: links are signed with the development key in {s.data_dir}/signing.key",
            "before going live, set KIT_SIGNING_KEY (python -c \"import secrets; print(secrets.token_urlsafe(48))\")")
    if s.serverless and not s.cron_secret:
        add(WARN, "CRON_SECRET is not set: the scheduled email retry route is off", "set CRON_SECRET to a long random string")
    return found


def webhook_findings(services: Services) -> list[Finding]:
    """Does a webhook endpoint of this account receive exactly the events the kit handles?"""
    from checkout_kit.events import handled_types
    from checkout_kit.stripe_gateway import GatewayError

    wanted = set(handled_types())
    try:
        endpoints = [e for e in services.gateway.on_platform().list_all("/v1/webhook_endpoints")
                     if urlsplit(e.get("url") or "").path.rstrip("/").endswith("/api/webhook")]
    except GatewayError as exc:
        from checkout_kit.stripe_diagnosis import diagnose

        problem = diagnose(exc, services.settings)
        return [Finding(WARN, f"cannot list webhook endpoints. {problem.what}", problem.fix)]
    if not endpoints:
        return [Finding(WARN, "no webhook endpoint of this Stripe account ends in /api/webhook",
                        "run `python -m checkout_kit setup-webhook https://<site>/api/webhook` (or use `stripe listen`)")]
    found = []
    for endpoint in endpoints:
        where = f"webhook endpoint {endpoint['id']} ({redact_url(endpoint['url'])})"
        have = set(endpoint.get("enabled_events") or [])
        if endpoint.get("status") == "disabled":
            found.append(Finding(WARN, f"{where} is disabled", "enable it in the Dashboard (Developers → Webhooks)"))
        elif have == wanted:
            found.append(Finding(OK, f"{where} receives exactly the kit's {len(wanted)} event types"))
        else:
            missing = [] if "*" in have else sorted(wanted - have)
            extra = sorted(have - wanted)
            detail = "; ".join(part for part in (f"misses {', '.join(missing)}" if missing else "",
                                                 f"also receives {', '.join(extra)}" if extra else "") if part)
            found.append(Finding(WARN, f"{where}'s events differ from the kit's: {detail}",
                                 f"run `python -m checkout_kit setup-webhook {redact_url(endpoint['url'])}`: it updates "
                                 "the events (the signing secret stays)"))
    return found


def portal_findings(services: Services) -> list[Finding]:
    """Is the customer portal configured as the kit needs (cancel, card update, the catalog's plans)?"""
    from checkout_kit.stripe_gateway import GatewayError

    config_id = services.settings.stripe_portal_configuration
    fix = "run `python -m checkout_kit setup-portal` and set STRIPE_PORTAL_CONFIGURATION to the id it prints"
    if not config_id:
        return [Finding(WARN, "STRIPE_PORTAL_CONFIGURATION is not set: members' portal links use the account's "
                              "default portal settings (Stripe refuses them until those are saved once)", fix)]
    try:
        config = services.gateway.request("GET", f"/v1/billing_portal/configurations/{config_id}",
                                          what="retrieve portal configuration")
    except GatewayError as exc:
        if exc.kind == "not_found":
            return [Finding(FAIL, f"portal configuration {config_id} does not exist in this Stripe account", fix)]
        from checkout_kit.stripe_diagnosis import diagnose

        problem = diagnose(exc, services.settings)
        return [Finding(WARN, f"cannot read portal configuration {config_id}. {problem.what}", problem.fix)]
    features = config.get("features") or {}
    found = []
    if not config.get("active"):
        found.append(Finding(FAIL, f"portal configuration {config_id} is not active", fix))
    if not (features.get("subscription_cancel") or {}).get("enabled"):
        found.append(Finding(WARN, f"portal configuration {config_id} does not let members cancel", fix))
    if not (features.get("payment_method_update") or {}).get("enabled"):
        found.append(Finding(WARN, f"portal configuration {config_id} does not let members update their card", fix))
    offered = {p for product in ((features.get("subscription_update") or {}).get("products") or [])
               for p in product.get("prices") or []}
    catalog_ids = {p.id for p in services.catalog.prices() if p.recurring and p.id}
    if len(catalog_ids) > 1 and offered != catalog_ids:
        found.append(Finding(WARN, f"portal configuration {config_id} offers other plans than catalog.toml's", fix))
    if not found:
        found.append(Finding(OK, f"portal configuration {config_id}: cancel, card update"
                                 f"{', plan switching' if offered else ''}"))
    return found


def recent_problems(store: object, add: object) -> None:
    """The last 24 hours of problems (failed webhooks, jobs that gave up…), one line per kind."""
    problems = store.problems()  # type: ignore[attr-defined]
    if not problems:
        add(OK, "no problems recorded in the last 24 hours")  # type: ignore[operator]
        return
    by_cause: dict[str, list] = {}
    for problem in problems:  # newest first
        by_cause.setdefault(problem.cause, []).append(problem)
    for cause, found in sorted(by_cause.items()):
        add(WARN, f"{len(found)} × {cause.replace('_', ' ')} in the last 24 hours; latest: "  # type: ignore[operator]
            f"{found[0].detail[:160]}", "see `python -m checkout_kit orders show …` or the admin page; "
            "`python -m checkout_kit jobs retry` once the cause is fixed")


def run() -> int:
    load_dotenv_file()
    try:
        settings = from_env()
    except ConfigError as exc:
        print(f"FAIL  {exc.variable}: {exc.problem}")
        return 1
    services = Services(settings)
    findings = check(services)
    for f in findings:
        print(f"{f.level:<5} {f.what}")
        if f.fix and f.level != OK:
            print(f"      fix: {f.fix}")
    failed = sum(f.level == FAIL for f in findings)
    print(f"\n{failed} problem(s)" if failed else "\nAll checks passed.")
    services.close()
    return 1 if failed else 0
