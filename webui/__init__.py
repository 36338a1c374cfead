"""The web face of govkg: the SPARQL 1.1 endpoint, linked-data entity pages, search and the steward path.

``webui`` only negotiates, renders and maps errors; the data comes from :mod:`graph`.
"""

from webui.app import create_app

__all__ = ["create_app"]
