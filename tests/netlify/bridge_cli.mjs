// The bridge's SQL side alone, for tests on CPython: netlify/lib/bridge.mjs with its worker and
// node-postgres, without Pyodide. Usage: DATABASE_URL=… node bridge_cli.mjs
// Reads one JSON line per call, {statements: [[sql, params]…], session}, and answers each with the
// line sqlBatchSync returns (the same JSON text Pyodide's side reads). Exits at EOF.
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createBridge } from "../../netlify/lib/bridge.mjs";

const bridge = createBridge(fileURLToPath(new URL("../../netlify/lib/bridge-worker.mjs", import.meta.url)),
                            { DATABASE_URL: process.env.DATABASE_URL || "" });
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { statements, session, timeoutMs } = JSON.parse(line);
  process.stdout.write(bridge.sqlBatchSync(JSON.stringify(statements), timeoutMs || 30000, session || "") + "\n");
}
bridge.close();
