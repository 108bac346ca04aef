// What a Pyodide memory snapshot depends on, and the name that says so (netlify/lib/snapshot.mjs).
// No Pyodide import here: netlify/lib/snapshot-check.mjs runs this in a worker thread at a cold
// start, beside the restore, and the build runs it on the main thread.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const SNAPSHOT_DIR = "_pyodide_snapshot";  // under netlify/python/ (in included_files)
export const FORMAT = 1;  // bump when what the snapshot holds, or how resume() treats it, changes

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
export function fingerprint(dir, pyodideVersion) {
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

export const snapshotName = (fp, pyodideVersion) => `pyodide-${pyodideVersion}-${fp}.bin`;
