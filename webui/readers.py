"""The app of a reader process of ``govkg serve`` (``SERVING_PROCESSES`` above 1): lookups here, the rest forwarded.

A reader answers itself only what the lean lookup path (:mod:`webui.lean`) answers: SPARQL queries that
:mod:`graph.bounded` proves bounded and a probe shows small, here on the current checkpoint generation
(:class:`graph.store.followers.Follower`), by the code the primary and the query workers use, so the bytes are the
same; the headers are the primary's, with ``X-Govkg-Answered-By: reader``.

Anything else, and anything unusual about a lookup (a parse or guard error, a 406, ``lang=``, a dataset in the
protocol, a body over ``MAX_QUERY_BYTES``, no generation yet), goes to the primary unchanged
(:class:`webui.forwarding.Forwarder`), which answers as it always has; a client over its ``CLIENT_CONCURRENCY``
(counted across the processes, :mod:`webui.shared_slots`) is refused here, in the primary's envelope.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.bounded import Lookup
from graph.store.followers import Follower
from graph.store.workers import QueryAnswer, QueryJob
from webui.forwarding import Forwarder
from webui.lean import LeanLookups
from webui.limits import ClientSlots


class ReaderApp(LeanLookups):
    """WSGI: bounded lookups answered on the follower's generation, everything else forwarded."""

    def __init__(self, settings: dict[str, Any], snapshots_root: Path, forward: Forwarder,
                 slots: ClientSlots | None = None) -> None:
        self.follower = Follower(snapshots_root)
        self.forward = forward
        super().__init__(settings, self._answer, "reader", slots or ClientSlots(), forward)

    def _answer(self, job: QueryJob, found: Lookup, max_rows: int) -> QueryAnswer | None:
        return self.follower.answer(job, found, max_rows)[0]
