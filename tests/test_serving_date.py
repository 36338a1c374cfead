"""The ``Date`` header of ``govkg serve``'s processes, formatted once per second (webui.processes.cache_http_date)."""

from __future__ import annotations

import email.utils
import time

from gunicorn import util

from webui.processes import cache_http_date


def test_cached_date_is_the_header_gunicorn_would_send() -> None:
    cache_http_date()
    cache_http_date()  # twice: still one wrapper
    assert getattr(util.http_date, "cached", False)
    for _ in range(3):
        before = email.utils.formatdate(time.time(), usegmt=True)
        got = util.http_date()
        after = email.utils.formatdate(time.time(), usegmt=True)
        assert got in (before, after)
        time.sleep(0.6)  # across a second boundary: the header moves on
    assert util.http_date(0) == "Thu, 01 Jan 1970 00:00:00 GMT"
