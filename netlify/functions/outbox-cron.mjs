// Scheduled function: once a day, send emails still pending (each webhook also retries
// them). It calls the API function's handler with GET /api/cron/outbox and the
// CRON_SECRET bearer token, exactly as Vercel's cron calls the route.
import handler from "./api.mjs";

export const config = { schedule: "@daily" };

export default async () => {
  const secret = process.env.CRON_SECRET;
  if (!secret) {
    console.error("outbox-cron: set CRON_SECRET to enable the daily email retry");
    return new Response(null, { status: 204 });
  }
  const url = `${process.env.URL || "https://localhost"}/api/cron/outbox`;
  const res = await handler(new Request(url, { headers: { authorization: `Bearer ${secret}` } }), {});
  const body = await res.text();
  console.log(`outbox-cron: ${res.status} ${body}`);
  return new Response(body, { status: res.status, headers: { "content-type": "application/json" } });
};
