// Build step (scripts/build-netlify.sh, by default; KIT_PYODIDE_SNAPSHOT=0 turns it off): a memory
// snapshot of Pyodide with the kit's modules already imported, so a cold start restores the
// WebAssembly memory instead of starting CPython and importing ~300 modules.
//
// It uses Pyodide's PRIVATE snapshot options, as 314.0.7 ships them (pyodide.d.ts marks them
// @ignore / @private): loadPyodide({_makeSnapshot: true}) then pyodide.makeMemorySnapshot()
// (a Uint8Array: header + JSON of the JS references Python holds + the whole wasm heap), and
// loadPyodide({_loadSnapshot: bytes}) to restore it (Pyodide checks the snapshot's build id and
// throws "Snapshot build id mismatch" on another build). Another Pyodide version may change or
// drop them: the file name carries the version and a fingerprint of every staged file the
// snapshot depends on (snapshot-files.mjs), and api.mjs uses only an exact match, else it loads
// normally and says why.
//
// What the snapshot holds: the interpreter after `import` of MODULES (snapshot-files.mjs), and nothing
// else: no environment variable of the build (Pyodide's own defaults only: HOME, PATH, USER…),
// no configuration read (checkout_kit.config is read on the first request), no service built.
// After restoring, resume() gives Python the function's environment and reseeds `random` (its
// state would otherwise be the same in every instance started from one snapshot).
//
// Usage: node netlify/lib/snapshot.mjs <netlify dir>   writes <dir>/python/_pyodide_snapshot/
//        (removed with the rest of netlify/python/ by every build, so it can never outlive it)
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { loadPyodide, version as pyodideVersion } from "pyodide";
import * as files from "./snapshot-files.mjs";

export const { SNAPSHOT_DIR, MODULES } = files;

// The name a snapshot of the staged files in `dir` must have (the build names it so).
export const fingerprint = (dir) => files.fingerprint(dir, pyodideVersion);
export const snapshotName = (fp) => files.snapshotName(fp, pyodideVersion);

// For api.mjs: the snapshot to restore, or null when there is none (the option is off at build:
// nothing to say). Returns {file, bytes, matches}: `bytes` read at once (reading them asynchronously,
// beside Pyodide's own loading, made the restore ~60 ms slower: the main thread is never idle to
// collect them); `matches()` resolves true once a worker thread has fingerprinted
// the staged files (netlify/lib/snapshot-check.mjs) and found the name the snapshot was made
// under; false (said in the log) for a snapshot of other files or another Pyodide, which must
// not be used. Checking beside the restore rather than before keeps it off the cold start's path.
export function openSnapshot(dir, log = console.warn) {
  const where = path.join(dir, "python", SNAPSHOT_DIR);
  if (!fs.existsSync(where)) return null;
  const file = chosenFile(where);
  if (!file) {
    log(`pyodide snapshot: none in ${where}; loading normally`);
    return null;
  }
  const check = new Worker(path.join(dir, "lib", "snapshot-check.mjs"), { workerData: { dir, version: pyodideVersion } });
  const want = new Promise((resolve) => {
    check.once("message", resolve);
    check.once("error", (e) => resolve(`(fingerprint failed: ${String(e && e.message || e).split("\n")[0]})`));
    check.once("exit", (code) => resolve(`(fingerprint worker exited with code ${code})`));  // no answer: never hang
  });
  const matches = async () => {
    const name = await want;
    if (name === path.basename(file)) return true;
    log(`pyodide snapshot: none matches Pyodide ${pyodideVersion} and these files (want ${name}, found ${path.basename(file)}); loading normally`);
    return false;
  };
  return { file, bytes: fs.readFileSync(file), matches };
}

// The snapshot file: the one manifest.json names, else the only one there.
function chosenFile(where) {
  try {
    const named = path.join(where, JSON.parse(fs.readFileSync(path.join(where, "manifest.json"), "utf8")).file);
    if (fs.existsSync(named)) return named;
  } catch { /* no manifest, or not JSON: look at the files */ }
  const found = fs.readdirSync(where).filter((n) => n.endsWith(".bin"));
  return found.length === 1 ? path.join(where, found[0]) : null;
}

// Run after loadPyodide({_loadSnapshot}) and after /app is mounted again (the file system is
// JS state, not in the snapshot): the function's environment, the working directory, fresh
// random state. `secrets` and uuid4 read os.urandom (crypto.getRandomValues) on every call.
export function resume(py, env) {
  py.globals.set("_kit_env_json", JSON.stringify(env));
  py.runPython(`
import json, os, random, sys
os.environ.update(json.loads(_kit_env_json))
del _kit_env_json
os.chdir("/app")
sys.path[:] = list(dict.fromkeys(sys.path))  # the restore adds "" to sys.path again
random.seed()  # from os.urandom: every instance differs
`);
}

async function makeSnapshot(dir) {
  const started = performance.now();
  const stdlib = path.join(dir, "python-stdlib.zip");
  const py = await loadPyodide({
    indexURL: path.join(dir, "node_modules", "pyodide") + path.sep,
    ...(fs.existsSync(stdlib) ? { stdLibURL: stdlib } : {}),
    env: {},  // Pyodide's defaults only; never the build's process.env
    _makeSnapshot: true,
  });
  py.FS.mkdirTree("/app");
  py.FS.mount(py.FS.filesystems.NODEFS, { root: path.join(dir, "python") }, "/app");  // as api.mjs does
  py.globals.set("_kit_modules", MODULES.join(","));
  const summary = py.runPython(`
import gc, importlib, os, random, sys
sys.path.insert(0, "/app")
os.chdir("/app")
for name in _kit_modules.split(","):
    importlib.import_module(name)
del _kit_modules
# Only random's module-level generator may hold state (resume() reseeds it): refuse otherwise.
others = [o for o in gc.get_objects() if isinstance(o, random.Random)
          and not isinstance(o, random.SystemRandom) and o is not random._inst]
if others:
    raise SystemExit(f"snapshot: {len(others)} random.Random instance(s) created at import; not reseeded by resume()")
del name, others
gc.collect()
f"{len(sys.modules)} modules"
`);
  const bytes = py.makeMemorySnapshot();

  // Defence in depth: no value of a secret-looking variable of this build process is in the bytes.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const [name, value] of Object.entries(process.env)) {
    if (/SECRET|KEY|TOKEN|PASSWORD|PASSWD|DATABASE_URL|CREDENTIAL|AUTH/i.test(name) && value && value.length >= 8
        && buf.indexOf(value) >= 0) {
      throw new Error(`snapshot: the value of ${name} is in the snapshot; not written`);
    }
  }

  const where = path.join(dir, "python", SNAPSHOT_DIR);
  fs.rmSync(where, { recursive: true, force: true });
  fs.mkdirSync(where, { recursive: true });
  const fp = fingerprint(dir);
  const name = snapshotName(fp);
  fs.writeFileSync(path.join(where, `${name}.tmp`), buf);
  fs.renameSync(path.join(where, `${name}.tmp`), path.join(where, name));
  const manifest = { pyodide: pyodideVersion, format: files.FORMAT, fingerprint: fp, file: name, bytes: buf.length,
                     modules: MODULES, imported: summary, build_ms: Math.round(performance.now() - started) };
  fs.writeFileSync(path.join(where, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`pyodide snapshot: ${name}, ${(buf.length / 2 ** 20).toFixed(1)} MiB, ${summary}, ` +
              `${(manifest.build_ms / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error("usage: node netlify/lib/snapshot.mjs <netlify dir>");
  await makeSnapshot(path.resolve(process.argv[2]));
}
