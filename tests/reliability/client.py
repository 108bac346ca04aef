"""One of the storm's client processes: `python -m tests.reliability.client PLAN.json`.

The plan names the events file and this client's deliveries, in order: (event id, server
URL) pairs. The client says `ready` on stdout, waits for `go` on stdin (so every client
starts at once, whatever their start-up time), sends its deliveries one after the other
and prints every answer as one JSON list on the last line.
"""

from __future__ import annotations

import json
import sys

from tests.reliability.delivery import deliver


def main(argv: list[str]) -> int:
    plan = json.loads(open(argv[0], encoding="utf-8").read())
    with open(plan["events_file"], encoding="utf-8") as f:
        events = {event_id: body.encode() for event_id, body in json.load(f).items()}
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    answers = [deliver(url, event_id, events[event_id], plan["secret"], plan["timeout"]).to_json()
               for event_id, url in plan["deliveries"]]
    print(json.dumps(answers), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
