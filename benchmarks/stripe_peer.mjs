// The peer in the Netlify cold-start comparison (issue 15): the plain Node function a shop could
// write instead of the kit, creating the same Checkout Session as the kit's
// create-checkout-session (the price and quantity posted, success and cancel URLs, the kit's
// metadata, a fresh idempotency key) with the official `stripe` package (stripe-node).
// A Netlify Functions v2 module (default export: Request → Response), driven like the kit's by
// tests/netlify/driver.mjs. benchmarks/netlify_bench.py copies it next to a pinned stripe-node
// installed from npm into ~/.cache/checkout-kit/, so `import "stripe"` resolves as in a bundle,
// and points it at the emulator (STRIPE_API_BASE) through stripe-node's host/port/protocol options.
import crypto from "node:crypto";
import Stripe from "stripe";

const base = new URL(process.env.STRIPE_API_BASE || "https://api.stripe.com");
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY, {
  host: base.hostname,
  port: Number(base.port) || (base.protocol === "https:" ? 443 : 80),
  protocol: base.protocol.replace(":", ""),
});
const site = process.env.SITE_URL || "https://shop.example.com";

export default async (req) => {
  const { priceId, quantity = 1 } = await req.json();
  const metadata = { kit: "checkout-kit", kit_items: `${priceId}:${quantity}` };
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    line_items: [{ price: priceId, quantity }],
    success_url: `${site}/success.html?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${site}/canceled.html`,
    metadata,
    payment_intent_data: { metadata },
  }, { idempotencyKey: `peer-${crypto.randomUUID()}` });
  return Response.json({ id: session.id, url: session.url });
};
