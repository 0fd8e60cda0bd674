"""One log line per request, and the JSON form of every log line.

`RequestLogMiddleware` logs each request once it is answered, on the `gnlc.request`
logger: method, path, status and duration, plus the client's address and user id.
The line is plain text (`GET /fr/members/ 200 12.3 ms`) unless `GNLC_LOG_FORMAT=json`,
where `JsonFormatter` writes every log line, this one included, as one JSON object with
the request's fields as keys, for a log collector to index.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.utils.functional import empty

from gnlc.core.ratelimit import client_ip

logger = logging.getLogger("gnlc.request")

# The attributes every LogRecord has; anything else on a record came as `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON: time, level, logger, message and its extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _LoggedBody:
    """A streamed body that writes its request's log line once: after its last byte,
    or when the server closes the response (`StreamingHttpResponse` calls the `close`
    of the body it is given), whichever comes first. A generator's `finally` alone
    would never run for a body that was never iterated."""

    def __init__(self, body, log):
        self._body, self._log = body, log

    def __iter__(self):
        try:
            yield from self._body
        finally:
            self.close()

    def close(self) -> None:
        log, self._log = self._log, None
        if log is not None:
            log()


class RequestLogMiddleware:
    """Logs every request with its status and duration (after it is answered). A
    streamed answer (an open data download, written as it is sent) is logged when its
    last byte has left, or when the server closes it unread or half read (the client
    went away), so its duration is the whole download's (`_LoggedBody`); a file served
    by the server's own file wrapper, when the view returns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if response.streaming and getattr(response, "file_to_stream", None) is None:
            body = response.streaming_content  # read now: the wrapper replaces it
            response.streaming_content = _LoggedBody(
                body, lambda: self._log(request, response, started)
            )
        else:
            self._log(request, response, started)
        return response

    def _log(self, request, response, started) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        # The user only if the request already looked them up: logging must not cost a
        # session or user query of its own.
        user = getattr(getattr(request, "user", None), "_wrapped", None)
        signed_in = user not in (None, empty) and user.is_authenticated
        logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "client": client_ip(request),
                "user_id": user.pk if signed_in else None,
            },
        )
