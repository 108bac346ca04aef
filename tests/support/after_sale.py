"""A shop that sells one of every kind, for the after-sale tests: its catalog (written per test,
so the outgoing webhook can point at a local receiver) and its private downloads folder."""

from __future__ import annotations

from pathlib import Path

CHECKIN_TOKEN = "door-staff-token-0123"
ADMIN_TOKEN = "owner-admin-token-0123"
HOOKS_SECRET = "whsec_hooks_test_secret_0123456789"
HANDBOOK = b"%PDF-1.4\n% the handbook, private\n" + b"x" * 3000 + b"\n%%EOF\n"

CATALOG = """
[shop]
name = "After Sale Shop"

[products.book]
name = "The Handbook"
fulfillment = "download"
download_file = "handbook.pdf"
max_quantity = 1
  [[products.book.prices]]
  id = "price_as_book"
  unit_amount = 1500
  currency = "usd"

[products.linked]
name = "The Linked Book"
fulfillment = "download"
download_url = "https://files.example.com/linked.zip"
download_limit = 2
download_days = 1
  [[products.linked.prices]]
  id = "price_as_linked"
  unit_amount = 500
  currency = "usd"

[products.bucketed]
name = "The Big Book"
fulfillment = "download"
download_object = "books/big book.pdf"
  [[products.bucketed.prices]]
  id = "price_as_bucketed"
  unit_amount = 900
  currency = "usd"

[products.ticket]
name = "Workshop Ticket"
fulfillment = "ticket"
venue = "Room 2, 1 Main St"
starts_at = 2027-05-03T19:00:00+02:00
stock = 10
max_quantity = 10
  [[products.ticket.prices]]
  id = "price_as_ticket"
  unit_amount = 4000
  currency = "usd"

[products.shirt]
name = "Kit T-shirt"
fulfillment = "shipment"
shipping_countries = ["US", "CA"]
max_quantity = 5
  [[products.shirt.prices]]
  id = "price_as_shirt"
  unit_amount = 2500
  currency = "usd"

[products.room]
name = "Community Room"
fulfillment = "tests.hooks:record"
  [[products.room.prices]]
  id = "price_as_room"
  unit_amount = 1000
  currency = "usd"

[products.course]
name = "Flaky Course"
fulfillment = "tests.hooks:flaky"
  [[products.course.prices]]
  id = "price_as_course"
  unit_amount = 2000
  currency = "usd"

[products.grant]
name = "Slow Grant"
fulfillment = "tests.hooks:slow"
  [[products.grant.prices]]
  id = "price_as_grant"
  unit_amount = 700
  currency = "usd"

[products.warehouse]
name = "Warehouse Box"
fulfillment = "webhook"
webhook_url = "{webhook_url}"
  [[products.warehouse.prices]]
  id = "price_as_warehouse"
  unit_amount = 3000
  currency = "usd"

[products.mentoring]
name = "Mentoring Session"
fulfillment = "service"
booking_url = "https://cal.example/mentoring"
duration = "45 minutes"
  [[products.mentoring.prices]]
  id = "price_as_mentoring"
  unit_amount = 6000
  currency = "usd"
"""


def write_shop(directory: Path, webhook_url: str = "http://127.0.0.1:9/hook") -> dict[str, str]:
    """Write the catalog and downloads/ into `directory`; the shop's extra environment."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "catalog.toml").write_text(CATALOG.replace("{webhook_url}", webhook_url))
    (directory / "downloads").mkdir(exist_ok=True)
    (directory / "downloads" / "handbook.pdf").write_bytes(HANDBOOK)
    (directory / "hooks").mkdir(exist_ok=True)
    return {"CATALOG_PATH": str(directory / "catalog.toml"), "CHECKIN_TOKEN": CHECKIN_TOKEN,
            "ADMIN_TOKEN": ADMIN_TOKEN, "HOOKS_SIGNING_SECRET": HOOKS_SECRET,
            "KIT_DATA_DIR": str(directory / "data")}
