// A synchronous bridge from Pyodide (no sockets, no JSPI on Node 20/22) to Node's I/O.
//
// The Python core is synchronous. Each call here posts one job to a worker thread
// (bridge-worker.mjs: `fetch` for HTTP, node-postgres for SQL) and blocks this thread
// on Atomics.wait over a SharedArrayBuffer until the worker has written the answer:
// the pattern of the npm `synckit` package. One request per instance at a time
// (Netlify's model), so one worker and one buffer suffice.
//
// Answer framing in `data`: the worker writes bytes; `ctl` = [done seq, status, length].
//
// Every message is counted by kind, with the time the main thread waited for its answer
// (`messageCounts()`): a statement or a pipelined batch of them is one `sqlBatch` message, so tests
// and the bench can hold each route to its round trips and say where a request's time went.
//
// A best-effort write whose answer nobody needs (`postSql`) is posted without waiting: the worker
// runs it after the SQL it is running and before any sent later (one queue), and `settled()` is a
// promise of every posted write being over, for api.mjs to hand to Netlify's `waitUntil` (the
// answer goes out first; the invocation lasts until the write is over).
import { Worker } from "node:worker_threads";

const DATA_BYTES = 16 * 1024 * 1024;
const SLACK_MS = 2000;
// A posted write is given little time: it holds the invocation, and SQL sent after it waits its turn.
// Its query gets POSTED_TIMEOUT_MS; whatever happens in the worker (a connect first, a stuck worker),
// it counts as over for settled() after POSTED_GIVE_UP_MS.
const POSTED_TIMEOUT_MS = 5000;
const POSTED_GIVE_UP_MS = 15000;

// Messages sent by every bridge of this process, and milliseconds waited: {fetch, fetch_ms, sqlBatch, sqlBatch_ms}.
const counts = { fetch: 0, fetch_ms: 0, sqlBatch: 0, sqlBatch_ms: 0 };

// A copy of the counts so far (tests/netlify/driver.mjs reports the difference per request).
export function messageCounts() {
  return { ...counts };
}

export function createBridge(workerPath, env = {}) {
  let worker, ctl, data, seq = 0;
  const posted = new Map();  // id → {over (a promise), end, timer}: each write posted without waiting, not over yet
  let postedSeq = 0;

  function start() {
    const control = new SharedArrayBuffer(12);
    const shared = new SharedArrayBuffer(DATA_BYTES);
    ctl = new Int32Array(control);
    data = new Uint8Array(shared);
    const started = worker = new Worker(workerPath, { workerData: { control, data: shared,
                                                                  databaseUrl: env.DATABASE_URL || "" } });
    worker.unref();  // never keeps the process alive on its own (but see postSql)
    worker.on("message", ({ id }) => finish(id));  // only posted writes answer by message: this one is over
    worker.on("error", (e) => console.error(`checkout-kit: the bridge's worker failed (${e && (e.code || e.name)})`));
    // Crashed or terminated: what it held is over, done or not; the next call starts another.
    worker.on("exit", () => { if (worker === started) dropWorker(); });
  }

  function finish(id) {
    const entry = posted.get(id);
    if (!entry) return;
    posted.delete(id);
    clearTimeout(entry.timer);
    if (!posted.size && worker) worker.unref();
    entry.end();
  }

  function dropWorker() {
    const gone = worker;
    worker = undefined;
    if (gone) gone.terminate();
    for (const id of [...posted.keys()]) finish(id);
  }

  function call(job, timeoutMs) {
    const started = performance.now();
    try {
      return exchange(job, timeoutMs);
    } finally {
      counts[job.kind] = (counts[job.kind] || 0) + 1;
      counts[`${job.kind}_ms`] = (counts[`${job.kind}_ms`] || 0) + performance.now() - started;
    }
  }

  function exchange(job, timeoutMs) {
    if (!worker) start();
    seq = (seq % 0x7fffffff) + 1;
    const mine = seq;
    worker.postMessage({ ...job, seq: mine, timeoutMs });
    const deadline = Date.now() + timeoutMs + SLACK_MS;
    while (Atomics.load(ctl, 0) !== mine) {
      const left = deadline - Date.now();
      if (left <= 0) {
        // The job is still running: drop the worker (and its database session, which
        // rolls back any open transaction) rather than read a late answer later.
        dropWorker();
        return { status: -1, bytes: new TextEncoder().encode("bridge timeout") };
      }
      Atomics.wait(ctl, 0, Atomics.load(ctl, 0), left);
    }
    const status = Atomics.load(ctl, 1), len = Atomics.load(ctl, 2);
    return { status, bytes: data.slice(0, len) };
  }

  // Start the worker now (it connects to the database at once) so that work overlaps
  // Pyodide's own load instead of waiting for the first request.
  function warm() {
    if (!worker) start();
  }

  const decoder = new TextDecoder();

  return {
    warm,
    // HTTP: returns {status, meta (JSON: headers), body (Uint8Array)} or {status: -1, error}.
    fetchSync(method, url, headersJson, body, timeoutMs = 30000) {
      const r = call({ kind: "fetch", method, url, headers: JSON.parse(headersJson),
                       body: body ? new Uint8Array(body) : null }, timeoutMs);
      if (r.status < 0) return { status: -1, error: decoder.decode(r.bytes) };
      const hlen = new DataView(r.bytes.buffer).getUint32(0);
      return { status: r.status, meta: decoder.decode(r.bytes.subarray(4, 4 + hlen)), body: r.bytes.subarray(4 + hlen) };
    },
    // SQL: statements as JSON text [[sql with $1… placeholders, [param…]]…], run in order in one
    // message and one round trip to PostgreSQL (pipeline mode); returns the answer as JSON text:
    // {"results": [{"rows": [[text|null…]…], "types": [oid…], "rowCount": n}…], "session", "tx"}
    // plus "error": {message, code, index} when a statement (or the connection) failed.
    // `session`: the database session the current transaction began on ("" outside one).
    sqlBatchSync(statementsJson, timeoutMs = 30000, session = "") {
      const r = call({ kind: "sqlBatch", statements: JSON.parse(statementsJson), expect: session || null }, timeoutMs);
      if (r.status < 0) return JSON.stringify({ results: [], error: { message: decoder.decode(r.bytes), code: "bridge", index: 0 } });
      return decoder.decode(r.bytes);
    },
    // A best-effort write (statements as for sqlBatchSync, outside any transaction) posted without
    // waiting for it: counted as a sqlBatch message (one round trip, taken after the answer) and
    // as "posted". Whether it succeeded is not reported (the worker logs a failure).
    postSql(statementsJson) {
      if (!worker) start();
      counts.sqlBatch += 1;
      counts.posted = (counts.posted || 0) + 1;
      const id = ++postedSeq;
      let end;
      const over = new Promise((resolve) => { end = resolve; });
      posted.set(id, { over, end, timer: setTimeout(() => finish(id), POSTED_GIVE_UP_MS) });
      worker.ref();  // until it is over: a process waiting on settled() must not exit first
      worker.postMessage({ kind: "posted", statements: JSON.parse(statementsJson), timeoutMs: POSTED_TIMEOUT_MS, id });
    },
    // A promise of every posted write being over; null when none is pending.
    settled() {
      return posted.size ? Promise.all([...posted.values()].map((entry) => entry.over)).then(() => undefined) : null;
    },
    // A batch the worker runs now, without waiting: its answer is kept for the first identical
    // sqlBatch outside a transaction (a new instance's schema check, sent at install while the
    // first request is still parsing: a round trip off its path). Counted apart, as "prefetch".
    prefetchSql(statementsJson) {
      if (!worker) start();
      counts.prefetch = (counts.prefetch || 0) + 1;
      worker.postMessage({ kind: "prefetch", statements: JSON.parse(statementsJson), timeoutMs: 30000 });
    },
    close(timeoutMs = 5000) {
      if (!worker) return;
      call({ kind: "close" }, timeoutMs);  // queued after the writes posted before it
      dropWorker();
    },
  };
}
