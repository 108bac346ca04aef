// A worker thread started by openSnapshot() (snapshot.mjs) at a cold start: it fingerprints the
// staged files (reading ~4 MB, 10–40 ms) while the main thread restores the snapshot, instead of
// before; api.mjs uses the restored interpreter only if the name it was made under matches.
import { parentPort, workerData } from "node:worker_threads";
import { fingerprint, snapshotName } from "./snapshot-files.mjs";

parentPort.postMessage(snapshotName(fingerprint(workerData.dir, workerData.version), workerData.version));
