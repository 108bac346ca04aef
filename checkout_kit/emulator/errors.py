"""Stripe's error envelope, so the SDK raises the exception Stripe would cause."""

from __future__ import annotations

from typing import Any


class StripeError(Exception):
    """An API error rendered as ``{"error": {type, code, message, param}}``."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        err = {"type": self.type, "code": self.code, "message": self.message, "param": self.param}
        err.update(self.extra)
        return {"error": err}


def missing(kind: str, obj_id: str, param: str | None = None) -> StripeError:
    return StripeError(
        f"No such {kind}: '{obj_id}'", status=404, code="resource_missing", param=param or "id"
    )


def invalid(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(message, param=param, code=code or "parameter_invalid")
