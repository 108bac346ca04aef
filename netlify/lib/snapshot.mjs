// Optional build step (scripts/build-netlify.sh, only when KIT_PYODIDE_SNAPSHOT=1): a memory
// snapshot of Pyodide with the kit's modules already imported, so a cold start restores the
// WebAssembly memory instead of starting CPython and importing ~250 modules.
//
// It uses Pyodide's PRIVATE snapshot options, as 314.0.7 ships them (pyodide.d.ts marks them
// @ignore / @private): loadPyodide({_makeSnapshot: true}) then pyodide.makeMemorySnapshot()
// (a Uint8Array: header + JSON of the JS references Python holds + the whole wasm heap), and
// loadPyodide({_loadSnapshot: bytes}) to restore it (Pyodide checks the snapshot's build id and
// throws "Snapshot build id mismatch" on another build). Another Pyodide version may change or
// drop them: the file name carries the version and a fingerprint of every staged file the
// snapshot depends on, and api.mjs loads only an exact match, else it loads normally and says why.
//
// What the snapshot holds: the interpreter after `import` of the modules below, and nothing
// else: no environment variable of the build (Pyodide's own defaults only: HOME, PATH, USER…),
// no configuration read (checkout_kit.config is read on the first request), no service built.
// After restoring, resume() gives Python the function's environment and reseeds `random` (its
// state would otherwise be the same in every instance started from one snapshot).
//
// Usage: node netlify/lib/snapshot.mjs <netlify dir>   writes <dir>/python/_pyodide_snapshot/
//        (removed with the rest of netlify/python/ by every build, so it can never outlive it)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide, version as pyodideVersion } from "pyodide";

export const SNAPSHOT_DIR = "_pyodide_snapshot";  // under netlify/python/ (in included_files)
const FORMAT = 1;  // bump when what the snapshot holds, or how resume() treats it, changes

// What every request needs, imported (not configured) into the snapshot.
export const MODULES = [
  "checkout_kit.pyodide_platform", "checkout_kit.web", "checkout_kit.config", "checkout_kit.catalog",
  "checkout_kit.fulfillment", "checkout_kit.webhooks", "checkout_kit.store.sql", "checkout_kit.store.records",
  "checkout_kit.stripe_gateway", "checkout_kit.checkout", "checkout_kit.services", "checkout_kit.mail",
  "checkout_kit.http_transport", "checkout_kit.webhook_signature", "jinja2", "http.client", "email.message",
  "email.utils", "hmac",
];

// The stdlib zip's central directory (names, sizes and CRC-32 of every member) and its length:
// a fingerprint of its contents that costs ~1 ms instead of hashing 13 MB on every cold start.
function zipDirectory(file) {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const tailSize = Math.min(size, 65557);  // end-of-central-directory record + longest comment
    const tail = Buffer.alloc(tailSize);
    fs.readSync(fd, tail, 0, tailSize, size - tailSize);
    const at = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (at < 0) throw new Error(`${file} is not a zip file`);
    const cdSize = tail.readUInt32LE(at + 12), cdOffset = tail.readUInt32LE(at + 16);
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOffset);
    return Buffer.concat([Buffer.from(`${size}\0`), cd]);
  } finally {
    fs.closeSync(fd);
  }
}

function filesUnder(root, rel = "") {
  const out = [];
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${entry.name}` : entry.name;
    if (name === SNAPSHOT_DIR) continue;
    if (entry.isDirectory()) out.push(...filesUnder(root, name));
    else out.push(name);
  }
  return out.sort();
}

// Fingerprint of what a snapshot depends on: Pyodide's version, this format, the module list,
// every file of netlify/python/ (sources, bytecode, templates, catalog.toml) and the stdlib zip.
export function fingerprint(dir) {
  const hash = crypto.createHash("sha256");
  hash.update(`pyodide ${pyodideVersion}\0format ${FORMAT}\0${MODULES.join(",")}\0`);
  const python = path.join(dir, "python");
  for (const name of filesUnder(python)) {
    const data = fs.readFileSync(path.join(python, name));
    hash.update(`${name}\0${data.length}\0`).update(data);
  }
  const stdlib = path.join(dir, "python-stdlib.zip");
  hash.update(fs.existsSync(stdlib) ? zipDirectory(stdlib) : "stock stdlib");
  return hash.digest("hex").slice(0, 32);
}

export const snapshotName = (fp) => `pyodide-${pyodideVersion}-${fp}.bin`;

// For api.mjs: the snapshot's bytes if one matching this Pyodide and these files is present, else
// null. No snapshot directory: the option is off, nothing to say. A directory without a match:
// say so (a stale or foreign snapshot is never loaded).
export function findSnapshot(dir, log = console.warn) {
  const where = path.join(dir, "python", SNAPSHOT_DIR);
  if (!fs.existsSync(where)) return null;
  const want = snapshotName(fingerprint(dir));
  const file = path.join(where, want);
  if (!fs.existsSync(file)) {
    const found = fs.readdirSync(where).filter((n) => n.endsWith(".bin")).join(", ") || "none";
    log(`pyodide snapshot: none matches Pyodide ${pyodideVersion} and these files (want ${want}, found ${found}); loading normally`);
    return null;
  }
  return { file, bytes: fs.readFileSync(file) };
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
  const manifest = { pyodide: pyodideVersion, format: FORMAT, fingerprint: fp, file: name, bytes: buf.length,
                     modules: MODULES, imported: summary, build_ms: Math.round(performance.now() - started) };
  fs.writeFileSync(path.join(where, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.log(`pyodide snapshot: ${name}, ${(buf.length / 2 ** 20).toFixed(1)} MiB, ${summary}, ` +
              `${(manifest.build_ms / 1000).toFixed(1)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) throw new Error("usage: node netlify/lib/snapshot.mjs <netlify dir>");
  await makeSnapshot(path.resolve(process.argv[2]));
}
