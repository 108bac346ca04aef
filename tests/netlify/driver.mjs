// Calls netlify/functions/api.mjs's default export the way Netlify does, with real
// `Request` objects, in this Node process. Usage: node driver.mjs plan.json
// plan: {env: {...}, module: "api.mjs", warmup: [req…], barrier: bool, requests: [req…]}
// (`module`: which file of netlify/functions/ to call; requests to a scheduled one have no path)
// req:  {method, path, headers, body_b64}
// With `barrier`, prints "ready" after the warmup and waits for one line on stdin
// before sending `requests` (concurrent deliveries from several processes).
// Prints one JSON line: {first_response_ms, rss_mb, results: [{status, headers, body_b64, ms}]}.
import fs from "node:fs";
import readline from "node:readline";

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
Object.assign(process.env, plan.env || {});
const module = plan.module || "api.mjs";
const { default: handler, config } = await import(new URL(`../../netlify/functions/${module}`, import.meta.url));
if (module === "api.mjs" && config.path !== "/api/*") throw new Error(`unexpected config.path ${config.path}`);

let firstResponseMs = null;
async function send(r) {
  const init = { method: r.method, headers: r.headers || {} };
  if (r.body_b64) init.body = Buffer.from(r.body_b64, "base64");
  const started = performance.now();
  const res = await handler(new Request(`https://shop.example.com${r.path || "/"}`, init), { ip: "203.0.113.9" });
  const body = Buffer.from(await res.arrayBuffer());
  const now = performance.now();
  firstResponseMs ??= now;  // performance.now() counts from process start
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return { status: res.status, headers, body_b64: body.toString("base64"), ms: now - started };
}

const warm = [];
for (const r of plan.warmup || []) warm.push(await send(r));
if (plan.barrier) {
  process.stdout.write("ready\n");
  const rl = readline.createInterface({ input: process.stdin });
  await new Promise((resolve) => rl.once("line", resolve));
  rl.close();
}
const results = [];
for (const r of plan.requests || []) results.push(await send(r));
process.stdout.write(JSON.stringify({ first_response_ms: firstResponseMs, rss_mb: process.memoryUsage().rss / 2 ** 20, warmup: warm, results }) + "\n");
process.exit(0);
