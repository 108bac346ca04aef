"""A stand-in for an S3-compatible bucket that checks presigned GETs the way S3 does: it
recomputes the SigV4 query signature from the request it received (host, path, sorted query),
refuses an expired or altered URL with 403, and answers the object with the
`response-content-disposition` the URL asked for."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any
from urllib.parse import quote, unquote

from werkzeug.wrappers import Request, Response

from checkout_kit.local_server import serve


class S3StandIn:
    def __init__(self, access_key_id: str, secret: str, objects: dict[str, bytes]) -> None:
        self.access_key_id, self.secret, self.objects = access_key_id, secret, objects
        self._server = serve(self._app, name="s3-stand-in")
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> "S3StandIn":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        ok, why = self.verify(request)
        if not ok:
            return Response(f"<Error><Code>SignatureDoesNotMatch</Code><Message>{why}</Message></Error>", 403,
                            mimetype="application/xml")(environ, start_response)
        body = self.objects.get(unquote(request.path))
        if body is None:
            return Response("<Error><Code>NoSuchKey</Code></Error>", 404)(environ, start_response)
        headers = {}
        if request.args.get("response-content-disposition"):
            headers["Content-Disposition"] = request.args["response-content-disposition"]
        return Response(body, 200, headers=headers, mimetype="application/pdf")(environ, start_response)

    def verify(self, request: Request) -> tuple[bool, str]:
        args = dict(request.args)
        signature = args.pop("X-Amz-Signature", "")
        if args.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or args.get("X-Amz-SignedHeaders") != "host":
            return False, "unsupported signing"
        key_id, date, region, service, terminal = args.get("X-Amz-Credential", "").split("/")
        if key_id != self.access_key_id or service != "s3" or terminal != "aws4_request":
            return False, "unknown credential"
        stamp = dt.datetime.strptime(args["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        if dt.datetime.now(dt.timezone.utc) > stamp + dt.timedelta(seconds=int(args["X-Amz-Expires"])):
            return False, "expired"
        query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(args.items()))
        canonical = "\n".join(["GET", quote(unquote(request.path), safe="-_.~/"), query,
                               f"host:{request.host}", "", "host", "UNSIGNED-PAYLOAD"])
        scope = f"{date}/{region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", args["X-Amz-Date"], scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = f"AWS4{self.secret}".encode()
        for part in (date, region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature), "signature"
