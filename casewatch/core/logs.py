"""Structured logs: one JSON object per line, with the request id of the audit context."""

from __future__ import annotations

import datetime as dt
import json
import logging

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message, request id, and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        from casewatch.core import audit

        data = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ctx = audit._context.get()
        if ctx is not None and ctx.request_id:
            data["request_id"] = ctx.request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
