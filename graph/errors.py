"""Typed errors of the library, by cause.  The web layer maps each to one HTTP status."""

from __future__ import annotations


class GovkgError(Exception):
    """Base of every error govkg raises on purpose."""


class QuerySyntaxError(GovkgError):
    """A query or update that does not parse; the message carries the parser's position."""


class ForbiddenOperation(GovkgError):
    """A well-formed request we refuse on principle (SERVICE, LOAD, remote FROM, ...)."""


class ParseError(GovkgError):
    """RDF data that does not parse; nothing was written."""


class StoreError(GovkgError):
    """The store could not do what was asked (I/O, disk full, unreachable remote)."""


class StoreIncomplete(StoreError):
    """The store holds an interrupted bulk load and must not be served."""


class QueryTimeout(GovkgError):
    """A query ran past the time limit and was stopped."""


class ValidationFailed(GovkgError):
    """The state after a write does not conform to the shapes; carries the report."""

    def __init__(self, message: str, report: object = None) -> None:
        super().__init__(message)
        self.report = report
