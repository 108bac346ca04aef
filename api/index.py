"""Vercel entry point: every /api/* route, through one function (see vercel.json's rewrite).

Only the import: the routes, their lazy imports and all logic live in checkout_kit.
"""

from checkout_kit.web import app

__all__ = ["app"]
