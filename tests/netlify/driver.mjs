// Calls netlify/functions/api.mjs's default export the way Netlify does, with real
// `Request` objects, in this Node process. Usage: node driver.mjs plan.json
// plan: {env: {...}, module: "api.mjs", warmup: [req…], requests: [req…]} or {env, serve: true}
// (`module`: which file of netlify/functions/ to call, or an absolute path to another function
// module; requests to a scheduled one have no path)
// req:  {method, path, headers, body_b64}
// Prints one JSON line: {first_response_ms, rss_mb, results: [{status, headers, body_b64, ms, bridge,
// waited_until (promises the handler gave Netlify's context.waitUntil; awaited after `ms`)}]}
// (`bridge`: the bridge messages the request cost and the ms waited for them, by kind: {fetch,
// fetch_ms, sqlBatch, sqlBatch_ms}; api.mjs and this file import the same netlify/lib/bridge.mjs,
// so its counters are the function's; `at_ms`: when it was answered, in ms since the process
// started; the first result also has `marks`, the cold start's phases, in the same ms).
// With `serve` instead (a long-lived warm instance): after the warmup, reads one req per stdin
// line and answers each with one line "@@result {status, headers, body_b64, ms, started, ended,
// rss_mb}" (started/ended: epoch ms, to show overlap between instances); exits at EOF.
import fs from "node:fs";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
Object.assign(process.env, plan.env || {});
const module = plan.module || "api.mjs";
// An absolute path: another function module (the bench's stripe-node peer), without the bridge.
const own = !module.startsWith("/");
const { default: handler, config } = await import(own ? new URL(`../../netlify/functions/${module}`, import.meta.url)
                                                      : pathToFileURL(module));
const { messageCounts } = own ? await import(new URL("../../netlify/lib/bridge.mjs", import.meta.url))
                              : { messageCounts: () => ({}) };
if (module === "api.mjs" && config.path !== "/api/*") throw new Error(`unexpected config.path ${config.path}`);

let firstResponseMs = null;
async function send(r) {
  const init = { method: r.method, headers: r.headers || {} };
  if (r.body_b64) init.body = Buffer.from(r.body_b64, "base64");
  const before = messageCounts();
  const started = performance.now();
  // Netlify's context: the client's address, and waitUntil (work that outlives the answer; the
  // invocation, and so the next request of this instance, waits for it).
  const outliving = [];
  const context = { ip: "203.0.113.9", waitUntil: (promise) => { outliving.push(promise); } };
  const res = await handler(new Request(`https://shop.example.com${r.path || "/"}`, init), context);
  const body = Buffer.from(await res.arrayBuffer());
  const now = performance.now();
  await Promise.all(outliving);  // before the counts, and before this instance's next request
  // The first answer also carries the cold start's phases (performance marks "kit:…" by api.mjs),
  // in ms since the process started, as performance.now() counts.
  const marks = firstResponseMs === null ? Object.fromEntries(performance.getEntriesByType("mark")
    .filter((m) => m.name.startsWith("kit:")).map((m) => [m.name.slice(4), m.startTime])) : undefined;
  firstResponseMs ??= now;  // performance.now() counts from process start
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  const after = messageCounts();
  const bridge = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] || 0)]));
  return { status: res.status, headers, body_b64: body.toString("base64"), ms: now - started, at_ms: now,
           waited_until: outliving.length,
           started: performance.timeOrigin + started, ended: performance.timeOrigin + now, bridge, marks };
}

const warm = [];
for (const r of plan.warmup || []) warm.push(await send(r));
if (plan.serve) {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const answer = await send(JSON.parse(line));
    process.stdout.write(`@@result ${JSON.stringify({ ...answer, rss_mb: process.memoryUsage().rss / 2 ** 20 })}\n`);
  }
  process.exit(0);
}
const results = [];
for (const r of plan.requests || []) results.push(await send(r));
process.stdout.write(JSON.stringify({ first_response_ms: firstResponseMs, rss_mb: process.memoryUsage().rss / 2 ** 20, warmup: warm, results }) + "\n");
process.exit(0);
