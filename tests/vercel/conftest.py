"""Fixtures for the Vercel tests: a seeded emulator and the environment of a production deployment."""

from __future__ import annotations

from typing import Iterator

import pytest

from checkout_kit.emulator import Emulator
from tests.support.deploy import seeded_emulator

SECRET = "whsec_vercel_shim_tests_0001"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with seeded_emulator() as emu:
        yield emu


@pytest.fixture
def function_env(emulator, postgres, smtp) -> dict[str, str]:
    """What a production deployment sets: VERCEL, PostgreSQL, SMTP, test keys."""
    return {"VERCEL": "1", "VERCEL_ENV": "preview", "DATABASE_URL": postgres.create_database(), "SMTP_URL": smtp.url,
            "STRIPE_SECRET_KEY": "sk_test_vercel_shim", "STRIPE_API_BASE": emulator.url, "STRIPE_WEBHOOK_SECRET": SECRET,
            "SITE_URL": "https://shop.example.com", "MERCHANT_EMAIL": "owner@shop.example",
            "EMAIL_FROM": "Shop <shop@shop.example>", "CRON_SECRET": "cron-secret-for-tests",
            "KIT_SIGNING_KEY": "test-signing-key-0123456789-abcdefghijklmnop"}


