// The bridge's worker thread: does the async I/O for the blocked main thread (see bridge.mjs).
import http from "node:http";
import https from "node:https";
import { parentPort, workerData } from "node:worker_threads";
import pg from "pg";
import { Pipeline } from "./pg-pipeline.mjs";

const ctl = new Int32Array(workerData.control);
const buf = new Uint8Array(workerData.data);
const encoder = new TextEncoder();

// Every value comes back as PostgreSQL's text form; Python converts by type OID, so
// BIGINT and DOUBLE PRECISION arrive exactly (no JS number rounding).
const asText = { getTypeParser: () => (value) => value };

let client = null;     // one connection per instance
// Each connection gets a session id; a transaction's statements name the session their BEGIN ran
// on, and are refused if it is gone: reconnecting happens only between transactions.
const workerId = Math.random().toString(36).slice(2, 10);
let sessions = 0;
let session = "";

async function connect() {
  const c = new pg.Client({ connectionString: workerData.databaseUrl, connectionTimeoutMillis: 5000,
                            types: asText, application_name: "checkout-kit-netlify" });
  c.on("error", () => { if (client === c) { client = null; session = ""; } });  // dropped: reconnect on next use
  await c.connect();
  return c;
}

async function ensureClient() {
  if (client && typeof client.then === "function") client = await client;  // the early connection
  if (!client) {
    const pending = connect();
    client = pending.catch(() => null);  // a batch sent ahead and the next one share this connection
    try {
      client = await pending;
    } catch (e) {
      client = null;
      throw e;
    }
    session = `${workerId}:${++sessions}`;
  } else if (!session) {
    session = `${workerId}:${++sessions}`;
  }
}

// Connect while the main thread is still loading Pyodide (see bridge.mjs warm()).
if (workerData.databaseUrl) {
  client = connect().catch(() => null);  // a failure is retried, and reported, by the first query
}

let early = null;  // a batch sent ahead: {key (its statements as JSON), answer (a promise)}

function host() {
  try { return new URL(workerData.databaseUrl).hostname; } catch { return "?"; }
}

// One bridge message: statements [[sql, params]…] sent together (pg-pipeline.mjs: one round trip
// to PostgreSQL, one Sync). Answers {results, session, tx} and, when one failed, {error: {index…}}:
// results then hold the statements before it; those after it were skipped by the server.
// `tx` is the transaction status after the batch (I idle, T in a transaction, E failed one).
async function runBatch({ statements, timeoutMs, expect }) {
  if (early && !expect && JSON.stringify(statements) === early.key) {
    // Sent ahead (bridge.mjs prefetchSql): a read of the schema's version, which only grows, so an
    // answer from a moment ago is as good as a new one (a stale "not current" migrates, under a lock).
    const ahead = early.answer;
    early = null;
    const answer = await ahead;
    if (!answer.error) return { ...answer, session, tx: client ? client.getTransactionStatus() : "I" };
  }
  if (!workerData.databaseUrl) return { error: { message: "DATABASE_URL is not set", code: "config", index: 0 } };
  if (client && typeof client.then === "function") client = await client;  // the early connection
  if (expect && (!client || session !== expect)) {
    // The connection this transaction began on is gone: running the statements on a new one would
    // autocommit them outside the transaction. Refuse; the caller rolls back and answers 503.
    return { error: { message: "the database connection was lost during the transaction", code: "connection_lost", index: 0 } };
  }
  try {
    await ensureClient();
  } catch (e) {
    client = null; session = "";
    return { error: { message: `cannot connect to PostgreSQL at ${host()}: ${String(e && e.message || e).split("\n")[0].slice(0, 200)}`, code: "connect", index: 0 } };
  }
  const batch = new Pipeline(statements.map(([text, values]) => ({ text, values })), timeoutMs);
  let answer;
  try {
    answer = await batch.run(client);
  } catch (e) {
    // The connection, not a statement, failed (dropped, timed out): unusable; the next batch
    // outside a transaction reconnects, one inside it is refused above.
    const c = client; client = null; session = "";
    if (c) c.end().catch(() => {});
    return { results: batch.results, error: { message: String(e && e.message || e).slice(0, 500), code: "connection",
                                              index: batch.results.length } };
  }
  const out = { results: answer.results, session, tx: client.getTransactionStatus() };
  if (answer.failed) {
    const e = answer.failed.error;
    // Class 08 (connection exception) / 57P (operator intervention, e.g. a terminated backend).
    const lost = /^(08|57P)/.test(e.code || "");
    out.error = { message: String(e.message).slice(0, 500), code: lost ? "connection" : e.code, index: answer.failed.index };
    if (lost) {
      const c = client; client = null; session = "";
      c.end().catch(() => {});
    }
  }
  return out;
}

// HTTP with node:http/https rather than `fetch`: undici costs ~50 ms to load on the first
// request of a cold instance and ~1 ms more per request than http.request (measured in
// benchmarks/netlify_bench.py's runs), and http.request, like http.client, never follows a
// redirect. Keep-alive agents reuse the connection to Stripe across warm requests.
const agents = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

function runFetch({ method, url, headers, body, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === "https:" ? https : http;
    const req = transport.request(target, { method, headers, agent: agents[target.protocol] }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const hdrs = {};
        for (const [k, v] of Object.entries(res.headers)) hdrs[k] = Array.isArray(v) ? v.join(", ") : v;
        const bytes = Buffer.concat(chunks);
        const meta = encoder.encode(JSON.stringify({ headers: hdrs }));
        const framed = new Uint8Array(4 + meta.length + bytes.length);
        new DataView(framed.buffer).setUint32(0, meta.length);
        framed.set(meta, 4);
        framed.set(bytes, 4 + meta.length);
        resolve({ status: res.statusCode, out: framed });
      });
    });
    // A deadline for the whole exchange, as fetch's AbortSignal.timeout was (not an idle timeout).
    const timer = setTimeout(() => req.destroy(Object.assign(new Error("timed out"), { code: "TimeoutError" })),
                             timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    req.end(body ? Buffer.from(body) : undefined);
  });
}

function answer(seq, status, out) {
  if (out.length > buf.length) { out = encoder.encode("answer too large for the bridge buffer"); status = -1; }
  buf.set(out, 0);
  Atomics.store(ctl, 1, status);
  Atomics.store(ctl, 2, out.length);
  Atomics.store(ctl, 0, seq);
  Atomics.notify(ctl, 0);
}

// SQL batches run one after another on the one connection, in the order they were sent: a posted
// write is over before any batch sent after it starts (and before a reconnect it causes is seen).
// The batch sent ahead at install (prefetch) runs at once; the batch that uses its answer waits here.
let queue = Promise.resolve();
function inTurn(work) {
  const turn = queue.then(work);
  queue = turn.catch(() => {});
  return turn;
}

async function runPosted(job) {
  const answer = await inTurn(() => runBatch({ ...job, expect: null }));
  if (answer.error) console.warn(`checkout-kit: a write posted after the answer failed (${answer.error.code})`);
}

parentPort.on("message", async (job) => {
  let status = 0, out;
  if (job.kind === "posted") {  // nobody waits for its answer: it only says "over", by message
    runPosted(job).catch(() => {}).finally(() => parentPort.postMessage({ id: job.id }));
    return;
  }
  try {
    if (job.kind === "fetch") {
      ({ status, out } = await runFetch(job));
    } else if (job.kind === "prefetch") {
      early = { key: JSON.stringify(job.statements),
                answer: runBatch(job).catch((e) => ({ error: { message: String(e), code: "prefetch" } })) };
      return;  // nobody waits for it: no answer written
    } else if (job.kind === "sqlBatch") {
      out = encoder.encode(JSON.stringify(await inTurn(() => runBatch(job))));
    } else if (job.kind === "close") {
      await queue;  // writes posted before it are finished first
      if (client && typeof client.then === "function") client = await client.catch(() => null);
      if (client) await client.end().catch(() => {});
      client = null; session = "";
      out = encoder.encode("{}");
    } else {
      status = -1; out = encoder.encode(`unknown job ${job.kind}`);
    }
  } catch (e) {
    status = -1;
    out = encoder.encode(String(e && (e.code || e.name) || e));  // ECONNREFUSED, ENOTFOUND, TimeoutError…
  }
  answer(job.seq, status, out);
});
