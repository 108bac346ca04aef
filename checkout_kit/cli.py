"""Command line: `python -m checkout_kit <command>`.

Each command imports what it needs when it runs, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any, Sequence

from checkout_kit.emulator.cards import BANK_FAILS, BANK_SUCCEEDS

TEST_CARDS_HELP = f"""\
Test cards (any future expiry such as 12 / 34, any CVC):
  4242 4242 4242 4242   pays                 5555 5555 5555 4444  pays (Mastercard)
  4000 0000 0000 0002   declined             4000 0000 0000 9995  insufficient funds
  4000 0000 0000 9987   lost card            4000 0000 0000 0069  expired card
  4000 0000 0000 0127   incorrect CVC        4000 0000 0000 0119  processing error
  4242 4242 4242 4241   incorrect number     4000 0027 6000 3184  3-D Secure challenge
  Test bank debit: {BANK_SUCCEEDS} settles later, {BANK_FAILS} fails later."""


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a port number, got {value!r}") from None


def cmd_emulator(args: argparse.Namespace) -> int:
    from checkout_kit.emulator import Emulator
    from checkout_kit.emulator.delivery import RetryPolicy

    if len(args.webhook_url) != len(args.webhook_secret):
        print("Give one --webhook-secret for each --webhook-url.", file=sys.stderr)
        return 2
    emulator = Emulator(
        port=args.port,
        endpoints=list(zip(args.webhook_url, args.webhook_secret)),
        retry=RetryPolicy(first_delay=args.retry_delay),
        settle_after=args.settle_after if args.settle_after >= 0 else None,
    )
    try:
        emulator.start()
    except OSError as exc:
        print(f"Cannot listen on 127.0.0.1:{args.port}: {exc.strerror}. Pick another with --port.", file=sys.stderr)
        return 1
    print(f"Stripe emulator on {emulator.url}  (API {emulator.url}/v1, Checkout pages {emulator.url}/c/pay/…)")
    print(f"Point the SDK at it: stripe.StripeClient('sk_test_…', base_addresses={{'api': '{emulator.url}'}})")
    for url in args.webhook_url:
        print(f"Webhooks are signed and sent to {url}")
    if not args.webhook_url:
        print("No webhook endpoint: add --webhook-url URL --webhook-secret whsec_… to receive events.")
    print(TEST_CARDS_HELP)
    print("Ctrl-C stops it.", flush=True)
    try:
        emulator.serve_forever()
    finally:
        emulator.stop()
    return 0


def cmd_dev(args: argparse.Namespace) -> int:
    from checkout_kit.devserver import run

    return run(args.port, args.emulator_port)


def cmd_doctor(args: argparse.Namespace) -> int:
    from checkout_kit.doctor import run

    return run()


def cmd_check(args: argparse.Namespace) -> int:
    from checkout_kit.shop_check import run

    return run(args.catalog)


def cmd_catalog_push(args: argparse.Namespace) -> int:
    from checkout_kit.admin import catalog_push

    return catalog_push(write=args.write)


def cmd_setup_webhook(args: argparse.Namespace) -> int:
    from checkout_kit.admin import setup_webhook

    return setup_webhook(args.url)


def cmd_setup_portal(args: argparse.Namespace) -> int:
    from checkout_kit.subscriptions_admin import setup_portal

    return setup_portal()


def cmd_subscriptions(args: argparse.Namespace) -> int:
    from checkout_kit import subscriptions_admin as subs

    if args.subscriptions_command == "list":
        return subs.list_members(args.status, args.as_json)
    if args.subscriptions_command == "cancel":
        return subs.cancel(args.target, now=args.now)
    if args.subscriptions_command == "change-plan":
        return subs.change_plan(args.target, args.price)
    return subs.retry(args.target)


def cmd_deploy_env(args: argparse.Namespace) -> int:
    from checkout_kit.deploy_env import run

    return run(args.host, dry_run=args.dry_run, allow_test_keys=args.allow_test_keys, file=args.file,
               api_base=args.api_base)


def cmd_compile_templates(args: argparse.Namespace) -> int:
    from checkout_kit.mail import compile_templates

    print(f"compiled mail templates into {compile_templates()}")
    return 0


def cmd_jobs_retry(args: argparse.Namespace) -> int:
    from checkout_kit.admin import jobs_retry

    return jobs_retry(include_failed=getattr(args, "failed", False))


def cmd_orders_ship(args: argparse.Namespace) -> int:
    from checkout_kit import owner_orders

    if args.items and not all(n.strip().isdigit() for n in args.items.split(",")):
        print("--items takes line positions like 0,2 (see `orders show`).", file=sys.stderr)
        return 2
    items = [int(n) for n in args.items.split(",")] if args.items else None
    return owner_orders.orders_ship(args.order, args.carrier, args.tracking, items)


def cmd_orders_refund(args: argparse.Namespace) -> int:
    from checkout_kit import owner_orders

    return owner_orders.orders_refund(args.order, args.amount, args.reason)


def add_after_sale_commands(orders: Any) -> None:
    """`orders ship` and `orders refund` (after the sale; ORDER: the reference or the session id)."""
    ship = orders.add_parser("ship", help="mark an order's shipment shipped and email the customer (once per tracking)")
    ship.add_argument("order", metavar="ORDER", help="the reference from the receipt (8 characters) or the session id")
    ship.add_argument("--carrier", required=True, help="who carries it, e.g. DHL")
    ship.add_argument("--tracking", required=True, help="the tracking number")
    ship.add_argument("--items", metavar="N,N", help="only these lines (positions from `orders show`); default all")
    ship.set_defaults(func=cmd_orders_ship)
    refund = orders.add_parser("refund", help="refund an order through Stripe (all that is left, or --amount)")
    refund.add_argument("order", metavar="ORDER", help="the reference from the receipt (8 characters) or the session id")
    refund.add_argument("--amount", help="how much, in the order's currency, e.g. 5.00 (default: all that is left)")
    refund.add_argument("--reason", choices=("requested_by_customer", "duplicate", "fraudulent"),
                        help="the reason Stripe records")
    refund.set_defaults(func=cmd_orders_refund)


def desk(name: str, *fields: str):  # type: ignore[no-untyped-def]
    """A command running `desk_commands.<name>` with the named arguments (imported only when run)."""
    def run(args: argparse.Namespace) -> int:
        from checkout_kit import desk_commands

        return getattr(desk_commands, name)(**{f: getattr(args, f) for f in fields})
    return run


def add_desk_commands(sub: Any) -> None:
    """`orders`, `deliveries`, `reconcile`, `customer`, `audit`: the owner's desk."""
    orders = sub.add_parser("orders", help="find, show and export orders").add_subparsers(
        dest="orders_command", required=True)
    ls = orders.add_parser("list", help="recent orders, newest first (search by email, reference or session id)")
    ls.add_argument("query", nargs="?", default="", help="an email (or its start), an order reference or a cs_… id")
    ls.add_argument("--status", help="only orders in this state (paid, awaiting_payment, payment_failed, …)")
    ls.add_argument("--kind", help="only orders with an item of this fulfillment kind (download, ticket, …)")
    ls.add_argument("--to-ship", action="store_true", dest="to_ship", help="only orders with items still to ship")
    ls.add_argument("--limit", type=int, default=20, help="how many (default 20, at most 200)")
    ls.add_argument("--json", action="store_true", dest="as_json", help="JSON for scripts")
    ls.set_defaults(func=desk("orders_list", "query", "status", "kind", "to_ship", "limit", "as_json"))
    show = orders.add_parser("show", help="one order: items, fulfillment, emails, webhook deliveries")
    show.add_argument("ref", metavar="ORDER", help="the order's reference (8 characters) or its cs_… session id")
    show.add_argument("--json", action="store_true", dest="as_json", help="JSON for scripts")
    show.set_defaults(func=desk("orders_show", "ref", "as_json"))
    export = orders.add_parser("export", help="every order item as CSV, for accounting")
    export.add_argument("--since", type=float, default=0.0, metavar="UNIX_TIME", help="orders created since")
    export.add_argument("--format", choices=["csv"], default="csv", help="the only format: csv")
    export.add_argument("--output", "-o", help="write to this file instead of the screen")
    export.set_defaults(func=desk("orders_export", "since", "output"))
    add_after_sale_commands(orders)

    deliveries = sub.add_parser("deliveries", help="the log of Stripe webhook deliveries").add_subparsers(
        dest="deliveries_command", required=True)
    dl = deliveries.add_parser("list", help="recent deliveries (--failed: only those that failed)")
    dl.add_argument("--failed", action="store_true", help="only deliveries that failed (Stripe retries them)")
    dl.add_argument("--days", type=int, default=7, help="how far back (default 7)")
    dl.add_argument("--json", action="store_true", dest="as_json", help="JSON for scripts")
    dl.set_defaults(func=desk("deliveries_list", "failed", "days", "as_json"))

    rec = sub.add_parser("reconcile", help="fulfill completed Stripe sessions the shop has no order for")
    rec.add_argument("--since", default="3d", help="how far back: 3d, 12h, 90m (default 3d)")
    rec.add_argument("--json", action="store_true", dest="as_json", help="JSON for scripts")
    rec.set_defaults(func=desk("reconcile", "since", "as_json"))

    customer = sub.add_parser("customer", help="a customer's data: export it, or erase it").add_subparsers(
        dest="customer_command", required=True)
    cx = customer.add_parser("export", help="print every record the shop holds about EMAIL, as JSON")
    cx.add_argument("email")
    cx.set_defaults(func=desk("customer_export", "email"))
    cf = customer.add_parser("forget", help="erase EMAIL's personal data, keeping the amounts accounting needs")
    cf.add_argument("email")
    cf.add_argument("--yes", action="store_true", help="really erase (without it, says what would happen)")
    cf.set_defaults(func=desk("customer_forget", "email", "yes"))

    au = sub.add_parser("audit", help="the log of owner actions").add_subparsers(dest="audit_command", required=True)
    ax = au.add_parser("export", help="every owner action (refund, ship, retry, forget, reconcile) as JSON")
    ax.add_argument("--text", action="store_false", dest="as_json", help="one line each instead of JSON")
    ax.set_defaults(func=desk("audit_export", "as_json"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checkout_kit", description="Checkout Kit: sell from a static site with Stripe Checkout.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    sub = parser.add_subparsers(dest="command", required=True)

    emu = sub.add_parser("emulator", help="run the offline Stripe emulator", description="Run the offline Stripe emulator on 127.0.0.1.",
                         epilog=TEST_CARDS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    emu.add_argument("--port", type=int, default=_env_int("EMULATOR_PORT", 12111), help="port (default 12111, or EMULATOR_PORT)")
    emu.add_argument("--webhook-url", action="append", default=[], metavar="URL", help="deliver signed events here (repeatable)")
    emu.add_argument("--webhook-secret", action="append", default=[], metavar="SECRET", help="signing secret for the matching --webhook-url")
    emu.add_argument("--settle-after", type=float, default=10.0, metavar="SECONDS",
                     help="settle test bank debits after this delay; -1 waits for the control route (default 10)")
    emu.add_argument("--retry-delay", type=float, default=5.0, metavar="SECONDS",
                     help="first webhook retry delay, doubled each time (default 5)")
    emu.set_defaults(func=cmd_emulator)

    dev = sub.add_parser("dev", help="run the shop locally (offline with the emulator when no STRIPE_SECRET_KEY)")
    dev.add_argument("--port", type=int, default=_env_int("PORT", 8000), help="shop port (default 8000, or PORT)")
    dev.add_argument("--emulator-port", type=int, default=_env_int("EMULATOR_PORT", 12111),
                     help="emulator port (default 12111, or EMULATOR_PORT)")
    dev.set_defaults(func=cmd_dev)

    sub.add_parser("doctor", help="check the configuration and say how to fix it").set_defaults(func=cmd_doctor)

    check = sub.add_parser("check", help="check the shop: catalog, buy buttons on every page, downloads, identity",
                           description="Check catalog.toml and every page of site/: each buy button names a catalog "
                                       "price with a quantity it allows, each product has what its kind needs. One "
                                       "line per problem (file:line); exit status 1 when there are problems.")
    check.add_argument("--catalog", metavar="PATH", help="the catalog (default CATALOG_PATH, else catalog.toml)")
    check.set_defaults(func=cmd_check)

    cat = sub.add_parser("catalog", help="work with catalog.toml").add_subparsers(dest="catalog_command", required=True)
    push = cat.add_parser("push", help="create (or find by lookup key) the catalog's products and prices in Stripe")
    push.add_argument("--write", action="store_true", help="write the new price ids into catalog.toml and site/")
    push.set_defaults(func=cmd_catalog_push)

    hook = sub.add_parser("setup-webhook", help="create the Stripe webhook endpoint for URL and print its secret once")
    hook.add_argument("url", help="the deployed endpoint, e.g. https://shop.example.com/api/webhook")
    hook.set_defaults(func=cmd_setup_webhook)

    portal = sub.add_parser("setup-portal", help="create (or update) the customer portal configuration the kit needs")
    portal.set_defaults(func=cmd_setup_portal)

    subs = sub.add_parser("subscriptions", help="memberships: list them, cancel, change plan, retry a payment")
    subs_sub = subs.add_subparsers(dest="subscriptions_command", required=True)
    listing = subs_sub.add_parser("list", help="every membership the kit knows (from its store)")
    listing.add_argument("--status", choices=("trialing", "active", "past_due", "unpaid", "canceled", "incomplete",
                                              "incomplete_expired", "paused"), help="only this status")
    listing.add_argument("--json", action="store_true", dest="as_json", help="JSON for scripts")
    cancel = subs_sub.add_parser("cancel", help="cancel at the end of the period (or --now)")
    cancel.add_argument("target", metavar="EMAIL|sub_…")
    cancel.add_argument("--now", action="store_true", help="end it at once instead")
    change = subs_sub.add_parser("change-plan", help="move to another recurring price of the catalog, prorated")
    change.add_argument("target", metavar="EMAIL|sub_…")
    change.add_argument("--price", required=True, help="the new price: its id or lookup key in catalog.toml")
    again = subs_sub.add_parser("retry", help="pay the open invoice now with the default card")
    again.add_argument("target", metavar="sub_…|in_…")
    subs.set_defaults(func=cmd_subscriptions)

    deploy = sub.add_parser(
        "deploy-env", help="copy the production settings to Netlify or Vercel (names printed, never values)",
        description="Copy the production settings from .env.production (or, without it, the kit's settings in the "
                    "environment) to the host's environment variables through its API. Netlify needs "
                    "NETLIFY_AUTH_TOKEN and NETLIFY_SITE_ID, Vercel VERCEL_TOKEN, VERCEL_PROJECT_ID and, for a "
                    "team's project, VERCEL_TEAM_ID, exported in your shell. Stripe test keys are refused.")
    deploy.add_argument("host", choices=["netlify", "vercel"])
    deploy.add_argument("--dry-run", action="store_true", help="say what would be sent, send nothing")
    deploy.add_argument("--allow-test-keys", action="store_true", help="accept sk_test_/pk_test_ keys (a test deployment)")
    deploy.add_argument("--file", default=".env.production", metavar="PATH", help="the settings (default .env.production)")
    deploy.add_argument("--api-base", metavar="URL", help=argparse.SUPPRESS)  # a stand-in of the host's API, for tests
    deploy.set_defaults(func=cmd_deploy_env)

    sub.add_parser("compile-templates", help="precompile the mail templates (after editing them)").set_defaults(
        func=cmd_compile_templates)

    jobs = sub.add_parser("jobs", help="the job outbox: emails and other effects after a sale").add_subparsers(
        dest="jobs_command", required=True)
    retry = jobs.add_parser("retry", help="run every due job now (pending emails, hooks); prints what happened")
    retry.add_argument("--failed", action="store_true", help="also retry jobs that gave up")
    retry.set_defaults(func=cmd_jobs_retry)
    outbox = sub.add_parser("outbox", help="(old name) the email outbox").add_subparsers(
        dest="outbox_command", required=True)
    outbox.add_parser("retry", help="same as `jobs retry`").set_defaults(func=cmd_jobs_retry)
    add_desk_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.func(args) or 0)
