"""Checkout Kit: sell from a static site with Stripe's hosted Checkout.

Nothing here does I/O at import time, and heavy libraries (stripe, flask,
psycopg) are imported lazily by the modules that need them.
"""

__version__ = "0.1.0"
