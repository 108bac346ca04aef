// Netlify Functions (v2) entry point for every /api/* route: the kit's Python core,
// unchanged, inside Pyodide. Kept thin on purpose: the WSGI environ and the call of
// checkout_kit.web.App live in checkout_kit/pyodide_platform.py; this file loads
// Pyodide once per warm instance, mounts the Python files staged by
// scripts/build-netlify.sh (netlify/python/), starts the I/O bridge
// (netlify/lib/bridge.mjs) and moves bytes between Request/Response and Python.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "pyodide";
import { createBridge } from "../lib/bridge.mjs";
import { openSnapshot, resume } from "../lib/snapshot.mjs";

export const config = { path: "/api/*" };
performance.mark("kit:module");  // this module and its imports loaded: the cold start's first phase

// netlify/ as deployed: next to this file when run from the repository; under the task
// root when Netlify's bundler has moved this module (included_files keep their paths).
function netlifyDir() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, ".."), path.resolve(here), path.join(process.cwd(), "netlify"),
                      path.join(process.env.LAMBDA_TASK_ROOT || process.cwd(), "netlify")];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "python", "checkout_kit", "web.py")));
  if (!found) throw new Error("netlify/python/ is missing: run scripts/build-netlify.sh (the build command does)");
  return found;
}

async function boot() {
  const dir = netlifyDir();
  const env = { HOME: "/home/pyodide", ...process.env, NETLIFY: process.env.NETLIFY || "true" };
  const stdlib = path.join(dir, "python-stdlib.zip");  // with bytecode (netlify/lib/precompile.mjs)
  const options = {
    indexURL: path.join(dir, "node_modules", "pyodide") + path.sep,  // the bundler copies only pyodide.mjs
    ...(fs.existsSync(stdlib) ? { stdLibURL: stdlib } : {}),
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")),
  };
  performance.mark("kit:boot");
  // The memory snapshot made by the build (netlify/lib/snapshot.mjs; KIT_PYODIDE_SNAPSHOT=0 turns it
  // off): restored, then used only if made for this Pyodide and these exact files (checked by a
  // worker thread during the restore); otherwise, or if Pyodide refuses it, a normal load.
  const bridge = createBridge(path.join(dir, "lib", "bridge-worker.mjs"), env);
  bridge.warm();  // its worker starts and connects to the database while Pyodide loads
  const snapshot = openSnapshot(dir);
  let py = null;
  if (snapshot) {
    try {
      const restored = await loadPyodide({ ...options, _loadSnapshot: snapshot.bytes });
      if (await snapshot.matches()) {
        py = restored;
        console.log(`pyodide: restored from snapshot ${path.basename(snapshot.file)}`);
      }
    } catch (e) {
      console.warn(`pyodide snapshot ${path.basename(snapshot.file)} failed to load (${String(e.message).split("\n")[0]}); loading normally`);
    }
  }
  const fromSnapshot = py !== null;
  py ??= await loadPyodide(options);
  performance.mark("kit:pyodide");
  py.FS.mkdirTree("/app");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: path.join(dir, "python") }, "/app");
  if (fromSnapshot) resume(py, options.env);  // environment, cwd, reseeded random
  else py.runPython(`import os, sys\nsys.path.insert(0, "/app")\nos.chdir("/app")`);
  const platform = py.pyimport("checkout_kit.pyodide_platform");
  platform.install(bridge);
  performance.mark("kit:ready");
  return { py, handle: platform.handle, bridge };
}

let booting = null;  // one Pyodide per warm instance

export default async (req, context) => {
  booting ??= boot().catch((e) => { booting = null; throw e; });
  const { handle, bridge } = await booting;
  const url = new URL(req.url);
  const headers = {};
  req.headers.forEach((value, name) => { headers[name] = value; });
  const body = new Uint8Array(await req.arrayBuffer());  // raw bytes: webhook signatures
  let answer;
  try {
    answer = handle(req.method, url.pathname, url.search.slice(1), JSON.stringify(headers), body,
                    (context && context.ip) || "", url.protocol.replace(":", ""));
  } finally {
    // Writes the request posted without waiting (a record of intent) end after the answer: Netlify's
    // waitUntil keeps the invocation until they are over; without it, they are waited for here.
    const settled = bridge.settled();
    if (settled && typeof context?.waitUntil === "function") context.waitUntil(settled);
    else if (settled) await settled;
  }
  try {
    const status = answer.get(0);
    const out = new Headers();
    for (const [name, value] of JSON.parse(answer.get(1))) out.append(name, value);
    const bytes = answer.get(2).toJs();
    const empty = status === 204 || status === 304 || req.method === "HEAD";
    return new Response(empty ? null : bytes, { status, headers: out });
  } finally {
    answer.destroy();
  }
};
