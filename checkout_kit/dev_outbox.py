"""`/_dev/outbox` on the dev server: the emails written to `.data/outbox/*.eml`, readable.

A page lists them newest first (subject, recipient, time); each opens on a page
with its headers, its HTML part and its text part. The HTML part is shown in a
sandboxed frame (`srcdoc`, no `allow-scripts`) under a policy that forbids every
script, so an email's markup cannot run code on the dev shop's origin; its links
open in a new tab. Development only: the dev server is the only caller.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Iterable

PREFIX = "/_dev/outbox"
# The list and the email pages: no script at all (also inherited by the srcdoc frame); the email's
# own inline styles and remote images are allowed, as a mail client would show them.
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; frame-ancestors 'none'; "
          "base-uri 'none'; form-action 'none'")
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
           ("Content-Security-Policy", POLICY), ("X-Content-Type-Options", "nosniff"),
           ("Referrer-Policy", "no-referrer")]
STYLE = """<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #17202a; background: #f6f7f9; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .5rem .75rem; border-bottom: 1px solid #dfe3e8; }
iframe { width: 100%; height: 32rem; border: 1px solid #dfe3e8; background: #fff; }
pre { white-space: pre-wrap; background: #fff; border: 1px solid #dfe3e8; padding: 1rem; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem; }
</style>"""


@dataclass(frozen=True)
class Entry:
    name: str
    message: EmailMessage
    modified: float

    @property
    def when(self) -> str:
        try:
            sent = parsedate_to_datetime(str(self.message["Date"])).timestamp()
        except (TypeError, ValueError):
            sent = self.modified
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(sent))

    def header(self, name: str) -> str:
        return str(self.message.get(name, "") or "")

    def part(self, subtype: str) -> str | None:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None and body.get_content_subtype() == subtype else None


def entries(directory: Path) -> list[Entry]:
    """The outbox's emails, newest first."""
    files = [f for f in directory.glob("*.eml") if f.is_file()] if directory.is_dir() else []
    found = []
    for file in files:
        with file.open("rb") as raw:
            message = BytesParser(policy=policy.default).parse(raw)
        found.append(Entry(file.name, message, file.stat().st_mtime))  # type: ignore[arg-type]
    return sorted(found, key=lambda e: (e.modified, e.name), reverse=True)


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            f"content=\"width=device-width\"><title>{html.escape(title)}</title>{STYLE}</head>"
            f"<body><main>{body}</main></body></html>").encode("utf-8")


def list_page(directory: Path, transport: str) -> bytes:
    found = entries(directory)
    if transport != "outbox":
        note = "<p>This shop sends its emails through a mail service (SMTP_URL or MAIL_API), so new ones are not kept here.</p>"
    else:
        note = f"<p>Emails written to <code>{html.escape(str(directory))}/</code> while SMTP_URL and MAIL_API are unset.</p>"
    if not found:
        return _page("Dev outbox", f"<h1>Dev outbox</h1>{note}<p>No emails yet: buy something and its receipt appears here.</p>")
    rows = "".join(
        f"<tr><td><a href=\"{PREFIX}/{html.escape(e.name)}\">{html.escape(e.header('Subject') or '(no subject)')}</a>"
        f"</td><td>{html.escape(e.header('To'))}</td><td><time>{e.when}</time></td></tr>" for e in found)
    return _page("Dev outbox", f"<h1>Dev outbox</h1>{note}<table><thead><tr><th scope=\"col\">Subject</th>"
                               f"<th scope=\"col\">To</th><th scope=\"col\">Sent</th></tr></thead>"
                               f"<tbody>{rows}</tbody></table>")


def _framed(markup: str) -> str:
    """The HTML part with its links opening a new tab (the frame itself may not navigate)."""
    base = '<base target="_blank">'
    with_head = re.subn(r"(<head\b[^>]*>)", lambda m: m.group(1) + base, markup, count=1, flags=re.I)
    return with_head[0] if with_head[1] else base + markup


def email_page(entry: Entry) -> bytes:
    fields = "".join(f"<dt>{name}</dt><dd>{html.escape(entry.header(name))}</dd>"
                     for name in ("From", "To", "Reply-To", "Subject") if entry.header(name))
    parts = []
    markup = entry.part("html")
    if markup is not None:
        parts.append("<h2>HTML part</h2><iframe title=\"The email's HTML part\" "
                     "sandbox=\"allow-popups allow-popups-to-escape-sandbox\" "
                     f"srcdoc=\"{html.escape(_framed(markup), quote=True)}\"></iframe>")
    text = entry.part("plain")
    if text is not None:
        parts.append(f"<h2>Text part</h2><pre>{html.escape(text)}</pre>")
    return _page(f"{entry.header('Subject')} — dev outbox",
                 f"<p><a href=\"{PREFIX}\">← All emails</a></p><h1>{html.escape(entry.header('Subject'))}</h1>"
                 f"<dl>{fields}<dt>Sent</dt><dd><time>{entry.when}</time></dd></dl>{''.join(parts)}")


def serve_outbox(directory: Path, path: str, start_response: Any, transport: str = "outbox") -> Iterable[bytes]:
    name = path[len(PREFIX):].strip("/")
    if not name:
        body = list_page(directory, transport)
    else:
        entry = next((e for e in entries(directory) if e.name == name), None)  # only files listed: no path tricks
        if entry is None:
            body = _page("Not in the outbox", f"<h1>No such email</h1><p><a href=\"{PREFIX}\">All emails</a></p>")
            start_response("404 Not Found", HEADERS + [("Content-Length", str(len(body)))])
            return [body]
        body = email_page(entry)
    start_response("200 OK", HEADERS + [("Content-Length", str(len(body)))])
    return [body]
