"""A production-like server for the reliability suite: `python -m tests.reliability.server --port N`.

It serves `checkout_kit.web.app`, configured from the environment like any deployment, with
a thread per request (werkzeug's threaded server, as the dev server and Vercel's Python
runtime serve it), on 127.0.0.1 only. The tests run several at once on one database, kill
them with SIGKILL and start them again on the same port: it writes one line,
`listening on http://127.0.0.1:PORT`, once the port is bound (connections queue from then
on), and nothing else on stdout. Logs go to stderr. SIGTERM stops it gracefully.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.server")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed)")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")

    from checkout_kit.config import ConfigError
    from checkout_kit.local_server import serve
    from checkout_kit.web import app

    try:
        app.services  # validate the configuration now, not on the first request
    except ConfigError as exc:
        print(f"configuration problem: {exc}", file=sys.stderr)
        return 2
    # read_timeout: a client that goes quiet mid-request cannot hold a thread (as on the dev server).
    server = serve(app, "127.0.0.1", args.port, name="reliability", start=False, read_timeout=30)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # a graceful stop: close the database connections
    print(f"listening on http://127.0.0.1:{server.server_port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    finally:
        server.server_close()
        app.services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
