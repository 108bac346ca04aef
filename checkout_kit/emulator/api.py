"""The `/v1` surface: every route the emulator serves, its handler, and the
pinned SDK's typed param dict for it (which names the route accepts, see
`emulator.params`). Any other `/v1` path answers Stripe's 404 "Unrecognized
request URL", as Stripe does for routes it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkout_kit.emulator import search
from checkout_kit.emulator.expansion import expand
from checkout_kit.emulator.resources import billing_portal, checkout_sessions, customers, discounts, disputes, events
from checkout_kit.emulator.resources import invoices, paid_objects, prices, products, refunds, shipping_rates
from checkout_kit.emulator.resources import subscriptions
from checkout_kit.emulator.resources import webhook_endpoints as hooks
from checkout_kit.emulator.resources.checkout_sessions import expire_session, mark_expired
from checkout_kit.emulator.resources.common import Ctx, Handler, honours, retriever
from checkout_kit.emulator.resources.prices import create_price
from checkout_kit.emulator.resources.products import create_product

__all__ = ["Ctx", "ROUTES", "Route", "create_price", "create_product", "expand", "expire_session", "mark_expired"]


@dataclass(frozen=True)
class Route:
    method: str
    rule: str  # werkzeug rule
    handler: Handler
    sdk_params: str  # the typed dict under `stripe.params` that declares its parameters

    @property
    def honoured(self) -> frozenset[str]:
        """The parameters the handler acts on (the rest it accepts and ignores)."""
        return getattr(self.handler, "honoured", frozenset())


def _get(kind: str) -> Handler:
    return honours()(retriever(kind))


def _searchable(resource: str, prefix: str) -> Route:
    return Route("GET", f"/v1/{resource}/search", search.searcher(resource), f"{prefix}SearchParams")


ROUTES: list[Route] = [
    Route("POST", "/v1/products", products.create_product, "ProductCreateParams"),
    Route("GET", "/v1/products", products.list_products, "ProductListParams"),
    _searchable("products", "Product"),
    Route("GET", "/v1/products/<id>", _get("product"), "ProductRetrieveParams"),
    Route("POST", "/v1/products/<id>", products.update_product, "ProductUpdateParams"),
    Route("POST", "/v1/prices", prices.create_price, "PriceCreateParams"),
    Route("GET", "/v1/prices", prices.list_prices, "PriceListParams"),
    _searchable("prices", "Price"),
    Route("GET", "/v1/prices/<id>", _get("price"), "PriceRetrieveParams"),
    Route("POST", "/v1/prices/<id>", prices.update_price, "PriceUpdateParams"),
    Route("POST", "/v1/customers", customers.create_customer, "CustomerCreateParams"),
    Route("GET", "/v1/customers", customers.list_customers, "CustomerListParams"),
    _searchable("customers", "Customer"),
    Route("GET", "/v1/customers/<id>", _get("customer"), "CustomerRetrieveParams"),
    Route("POST", "/v1/customers/<id>", customers.update_customer, "CustomerUpdateParams"),
    Route("POST", "/v1/checkout/sessions", checkout_sessions.create_session, "checkout.SessionCreateParams"),
    Route("GET", "/v1/checkout/sessions", checkout_sessions.list_sessions, "checkout.SessionListParams"),
    Route("GET", "/v1/checkout/sessions/<id>", _get("checkout.session"),
          "checkout.SessionRetrieveParams"),
    Route("GET", "/v1/checkout/sessions/<id>/line_items", checkout_sessions.list_session_line_items,
          "checkout.SessionListLineItemsParams"),
    Route("POST", "/v1/checkout/sessions/<id>/expire", checkout_sessions.expire_session,
          "checkout.SessionExpireParams"),
    Route("GET", "/v1/payment_intents", paid_objects.list_payment_intents, "PaymentIntentListParams"),
    _searchable("payment_intents", "PaymentIntent"),
    Route("GET", "/v1/payment_intents/<id>", _get("payment_intent"), "PaymentIntentRetrieveParams"),
    Route("GET", "/v1/payment_methods/<id>", _get("payment_method"), "PaymentMethodRetrieveParams"),
    Route("GET", "/v1/charges", paid_objects.list_charges, "ChargeListParams"),
    _searchable("charges", "Charge"),
    Route("GET", "/v1/charges/<id>", _get("charge"), "ChargeRetrieveParams"),
    Route("GET", "/v1/subscriptions", paid_objects.list_subscriptions, "SubscriptionListParams"),
    _searchable("subscriptions", "Subscription"),
    Route("GET", "/v1/subscriptions/<id>", _get("subscription"), "SubscriptionRetrieveParams"),
    Route("POST", "/v1/subscriptions/<id>", subscriptions.update_subscription, "SubscriptionUpdateParams"),
    Route("DELETE", "/v1/subscriptions/<id>", subscriptions.cancel_subscription, "SubscriptionCancelParams"),
    Route("POST", "/v1/subscriptions/<id>/resume", subscriptions.resume_subscription, "SubscriptionResumeParams"),
    Route("GET", "/v1/subscription_items", paid_objects.list_subscription_items, "SubscriptionItemListParams"),
    Route("GET", "/v1/subscription_items/<id>", _get("subscription_item"),
          "SubscriptionItemRetrieveParams"),
    Route("GET", "/v1/invoices", paid_objects.list_invoices, "InvoiceListParams"),
    _searchable("invoices", "Invoice"),
    Route("GET", "/v1/invoices/<id>", _get("invoice"), "InvoiceRetrieveParams"),
    Route("GET", "/v1/invoices/<id>/lines", paid_objects.list_invoice_lines, "InvoiceListLinesParams"),
    Route("POST", "/v1/refunds", refunds.create_refund, "RefundCreateParams"),
    Route("GET", "/v1/refunds", refunds.list_refunds, "RefundListParams"),
    Route("GET", "/v1/refunds/<id>", _get("refund"), "RefundRetrieveParams"),
    Route("POST", "/v1/refunds/<id>", refunds.update_refund, "RefundUpdateParams"),
    Route("GET", "/v1/disputes", disputes.list_disputes, "DisputeListParams"),
    Route("GET", "/v1/disputes/<id>", _get("dispute"), "DisputeRetrieveParams"),
    Route("POST", "/v1/disputes/<id>", disputes.update_dispute, "DisputeUpdateParams"),
    Route("POST", "/v1/disputes/<id>/close", disputes.close_dispute, "DisputeCloseParams"),
    Route("POST", "/v1/invoices/<id>/pay", invoices.pay_invoice, "InvoicePayParams"),
    Route("POST", "/v1/billing_portal/sessions", billing_portal.create_session, "billing_portal.SessionCreateParams"),
    Route("POST", "/v1/billing_portal/configurations", billing_portal.create_configuration,
          "billing_portal.ConfigurationCreateParams"),
    Route("GET", "/v1/billing_portal/configurations", billing_portal.list_configurations,
          "billing_portal.ConfigurationListParams"),
    Route("GET", "/v1/billing_portal/configurations/<id>", _get("billing_portal.configuration"),
          "billing_portal.ConfigurationRetrieveParams"),
    Route("POST", "/v1/billing_portal/configurations/<id>", billing_portal.update_configuration,
          "billing_portal.ConfigurationUpdateParams"),
    Route("POST", "/v1/webhook_endpoints", hooks.create_webhook_endpoint, "WebhookEndpointCreateParams"),
    Route("GET", "/v1/webhook_endpoints", hooks.list_webhook_endpoints, "WebhookEndpointListParams"),
    Route("GET", "/v1/webhook_endpoints/<id>", hooks.retrieve_webhook_endpoint, "WebhookEndpointRetrieveParams"),
    Route("POST", "/v1/webhook_endpoints/<id>", hooks.update_webhook_endpoint, "WebhookEndpointUpdateParams"),
    Route("DELETE", "/v1/webhook_endpoints/<id>", hooks.delete_webhook_endpoint, "WebhookEndpointDeleteParams"),
    Route("POST", "/v1/coupons", discounts.create_coupon, "CouponCreateParams"),
    Route("GET", "/v1/coupons", discounts.list_coupons, "CouponListParams"),
    Route("GET", "/v1/coupons/<id>", discounts.retrieve_coupon, "CouponRetrieveParams"),
    Route("POST", "/v1/coupons/<id>", discounts.update_coupon, "CouponUpdateParams"),
    Route("DELETE", "/v1/coupons/<id>", discounts.delete_coupon, "CouponDeleteParams"),
    Route("POST", "/v1/promotion_codes", discounts.create_promotion_code, "PromotionCodeCreateParams"),
    Route("GET", "/v1/promotion_codes", discounts.list_promotion_codes, "PromotionCodeListParams"),
    Route("GET", "/v1/promotion_codes/<id>", _get("promotion_code"), "PromotionCodeRetrieveParams"),
    Route("POST", "/v1/promotion_codes/<id>", discounts.update_promotion_code, "PromotionCodeUpdateParams"),
    Route("POST", "/v1/shipping_rates", shipping_rates.create_shipping_rate, "ShippingRateCreateParams"),
    Route("GET", "/v1/shipping_rates", shipping_rates.list_shipping_rates, "ShippingRateListParams"),
    Route("GET", "/v1/shipping_rates/<id>", _get("shipping_rate"), "ShippingRateRetrieveParams"),
    Route("POST", "/v1/shipping_rates/<id>", shipping_rates.update_shipping_rate, "ShippingRateUpdateParams"),
    Route("GET", "/v1/tax_rates/<id>", _get("tax_rate"), "TaxRateRetrieveParams"),
    Route("GET", "/v1/events", events.list_events, "EventListParams"),
    Route("GET", "/v1/events/<id>", _get("event"), "EventRetrieveParams"),
]
