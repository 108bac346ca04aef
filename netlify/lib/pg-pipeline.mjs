// PostgreSQL's pipeline mode on a node-postgres client: several statements written at once,
// answered in one network round trip (what psycopg's pipeline mode does on Vercel).
//
// node-postgres sends a statement only after the previous one's ReadyForQuery, and its own
// `pipeline: true` option puts a Sync after every statement (each its own implicit transaction,
// an error skipping nothing). Here the statements share ONE Sync, as psycopg's `pipeline.sync()`
// does: PostgreSQL runs them in order and, at the first error, skips the rest up to the Sync;
// with no BEGIN among them they form one implicit transaction (all or none). The batch is a
// node-postgres "submittable" (the interface pg-cursor uses): client.query(batch) queues it
// like any query, calls submit() when the connection is free, and routes the server's messages
// to the handle* methods below until the ReadyForQuery that answers the Sync.
//
// Values travel and come back as PostgreSQL text (the bridge's Python side converts by type OID).

// "INSERT 0 1" → 1, "UPDATE 3" → 3, "SELECT 2" → 2; -1 for commands without a count (BEGIN…).
function rowCount(tag) {
  const match = /^[A-Za-z]+(?: (\d+))?(?: (\d+))?/.exec(tag || "");
  const count = match && (match[2] ?? match[1]);
  return count === undefined || count === null ? -1 : Number(count);
}

// A backend ErrorResponse carries a severity; a dropped socket, a timeout or a client error does not.
const fromServer = (err) => Boolean(err && err.severity);

export class Pipeline {
  // statements: [{text, values}]; resolves {results: [{rows, types, rowCount}…], failed} where
  // `failed` is null or {index, error} (the statement that failed; those after it were skipped).
  // Rejects when the connection, not a statement, failed (the caller drops the connection).
  constructor(statements, timeoutMs) {
    this.statements = statements;
    this.query_timeout = timeoutMs;  // node-postgres's read timeout, applied to submittables too
    this.results = [];
    this.current = null;
    this.failed = null;
    this.callback = null;  // set by run(); node-postgres wraps it for the timeout
  }

  run(client) {
    return new Promise((resolve, reject) => {
      this.callback = (err) => (err ? reject(err) : resolve({ results: this.results, failed: this.failed }));
      client.query(this);
    });
  }

  submit(connection) {
    const stream = connection.stream;
    stream.cork && stream.cork();  // one write for the lot
    try {
      for (const { text, values } of this.statements) {
        connection.parse({ text });
        connection.bind({ values });
        connection.describe({ type: "P", name: "" });
        connection.execute({ portal: "" });
      }
      connection.sync();
    } finally {
      stream.uncork && stream.uncork();
    }
    return null;
  }

  result() {
    this.current ??= { rows: [], types: [], rowCount: -1 };
    return this.current;
  }

  handleRowDescription(msg) {
    this.result().types = msg.fields.map((f) => f.dataTypeID);
  }

  handleDataRow(msg) {
    this.result().rows.push(msg.fields);
  }

  handleCommandComplete(msg) {
    this.result().rowCount = rowCount(msg.text);
    this.results.push(this.current);
    this.current = null;
  }

  handleEmptyQuery() {
    this.results.push(this.result());
    this.current = null;
  }

  handleError(err, connection) {
    if (!fromServer(err) || this.failed) {
      this.callback(err);
      return;
    }
    // The server skips the rest of the batch and answers the Sync: node-postgres has already
    // detached this batch (it does on any ErrorResponse), so wait for that ReadyForQuery here,
    // after node-postgres has read the transaction status from it.
    this.failed = { index: this.results.length, error: err };
    const done = () => { connection.off("end", lost); this.callback(null); };
    const lost = () => { connection.off("readyForQuery", done); this.callback(new Error("connection ended")); };
    connection.once("readyForQuery", done);
    connection.once("end", lost);
  }

  handleReadyForQuery() {
    this.callback(null);
  }

  handlePortalSuspended() {}  // never: every portal is run to completion

  handleCopyInResponse(connection) {
    connection.sendCopyFail("COPY is not supported through the bridge");
  }

  handleCopyData() {}
}
