// The bridge alone, for tests on CPython: netlify/lib/bridge.mjs with its worker (node-postgres,
// node:http), without Pyodide. Usage: DATABASE_URL=… node bridge_cli.mjs
// Reads one JSON line per call, {method, args} (a method of the bridge: sqlBatchSync, fetchSync,
// prefetchSql…), and answers each with one JSON line: the method's answer (a promise: awaited, then
// {settled: true}), byte arrays in base64
// (`body_b64`), plus `counts`, the bridge's message counts so far. Exits at EOF.
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createBridge, messageCounts } from "../../netlify/lib/bridge.mjs";

const bridge = createBridge(fileURLToPath(new URL("../../netlify/lib/bridge-worker.mjs", import.meta.url)),
                            { DATABASE_URL: process.env.DATABASE_URL || "" });
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { method, args } = JSON.parse(line);
  let answer = bridge[method](...args);
  if (answer && typeof answer.then === "function") answer = { settled: await answer === undefined };  // settled()
  if (answer && answer.body instanceof Uint8Array) {
    answer = { ...answer, body: undefined, body_b64: Buffer.from(answer.body).toString("base64") };
  }
  process.stdout.write(JSON.stringify({ answer: answer ?? null, counts: messageCounts() }) + "\n");
}
bridge.close();
