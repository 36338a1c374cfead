"""The dataset face: its VoID/DCAT description, the releases, and whole-graph dumps.

| path | what |
|---|---|
| ``GET /.well-known/void`` | the dataset description (VoID, DCAT): Turtle, JSON-LD, N-Triples, RDF/XML by Accept |
| ``GET /releases/`` | the releases, newest first: HTML, or JSON by ``Accept`` / ``?format=json`` |
| ``GET /releases/<file>`` | one file of a release; only the names a release has (``govkg-{name}.{kind}``) |
| ``GET /dumps/latest.nq.gz``, ``/dumps/latest.trig.gz`` | the whole store as it is now, gzip |

Downloads are attachments with ``X-Content-Type-Options: nosniff``.  A release file name is matched against a
fixed pattern and against its release's manifest before any path is made from it, so nothing outside the
releases directory can be reached.
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from flask import Blueprint, Response, abort, current_app, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from markupsafe import escape

from graph.release import default_releases_dir, list_releases, release_file
from graph.void import build_void, stats_within
from webui.app import get_store

#: Seconds /.well-known/void waits for the counts of a store just written before it answers with the previous ones.
VOID_WAIT_S = 5.0

bp = Blueprint("dataset", __name__)

#: Media types of the description, best first; the key is the rdflib serializer.
VOID_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                "application/rdf+xml": "xml"}
DUMPS = {"nq.gz": "nquads", "trig.gz": "trig"}


def releases_dir() -> Path:
    configured = current_app.config["GOVKG"].get("RELEASES_DIR")
    return Path(configured) if configured else default_releases_dir()


def public_url() -> str:
    return str(current_app.config["GOVKG"].get("PUBLIC_URL") or request.url_root).rstrip("/")


def _attachment(resp: Response) -> Response:
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "no-cache"
    return resp


@bp.get("/.well-known/void")
def void() -> ResponseReturnValue:
    offers = list(VOID_FORMATS)
    best = request.accept_mimetypes.best_match(offers) if request.accept_mimetypes else offers[0]
    if best is None:
        return jsonify({"error": "not acceptable", "message": "the dataset description is offered as "
                        + ", ".join(offers)}), 406
    store = get_store()
    stats = stats_within(store, VOID_WAIT_S)
    if stats is None:
        return jsonify({"error": "not ready", "message": "the dataset description is being counted (it reads the "
                        "whole store once per write); try again in a few seconds"}), 503, {"Retry-After": "5"}
    g = build_void(store, public_url=public_url(), releases=list_releases(releases_dir()), stats=stats)
    body = g.serialize(format=VOID_FORMATS[best], encoding="utf-8")
    return Response(body, mimetype=best, headers={"Vary": "Accept", "Link": '</.well-known/void>; rel="describedby"'})


@bp.get("/releases/")
def releases() -> ResponseReturnValue:
    rel = list(reversed(list_releases(releases_dir())))
    if request.args.get("format") == "json" or (
            request.accept_mimetypes and request.accept_mimetypes.best_match(["text/html", "application/json"])
            == "application/json"):
        return jsonify(rel), 200, {"Vary": "Accept"}
    rows = []
    for m in rel:
        files = " ".join(f'<a href="/releases/{escape(f["name"])}">{escape(f["name"].split(".", 1)[1])}</a>'
                         for f in m["files"])
        rows.append(f"<tr><td>{escape(m['name'])}</td><td>{m['version']}</td><td>{m['triples']}</td>"
                    f"<td><code>{escape(m['fingerprint'][:16])}</code></td><td>{files} "
                    f'<a href="/releases/govkg-{escape(m["name"])}.manifest.json">manifest</a> '
                    f'<a href="/releases/govkg-{escape(m["name"])}.sha256">sha256</a></td></tr>')
    table = ("<table><thead><tr><th>Bản phát hành / Release</th><th>Phiên bản / Version</th><th>Bộ ba / Triples</th>"
             "<th>Dấu vân tay / Fingerprint</th><th>Tệp / Files</th></tr></thead><tbody>" + "".join(rows)
             + "</tbody></table>") if rows else "<p>Chưa có bản phát hành nào. / No release yet.</p>"
    html = ('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>govkg: bản phát hành / releases'
            '</title><link rel="describedby" href="/.well-known/void"></head><body><h1>Bản phát hành / Releases</h1>'
            f"{table}<p>Giấy phép / Licence: <a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>."
            ' <a href="/.well-known/void">VoID</a></p></body></html>')
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


@bp.get("/releases/<string:filename>")
def release_download(filename: str) -> ResponseReturnValue:
    path = release_file(releases_dir(), filename)
    if path is None:
        abort(404)
    mimetype = "application/gzip" if filename.endswith(".gz") else (
        "application/json" if filename.endswith(".json") else
        "text/turtle" if filename.endswith(".ttl") else "text/plain")
    return _attachment(send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename,
                                 conditional=True, etag=True))


@bp.get("/dumps/latest.<string:ext>")
def dump(ext: str) -> ResponseReturnValue:
    fmt = DUMPS.get(ext)
    if fmt is None:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    try:
        with gzip.GzipFile(filename="", mode="wb", fileobj=spool, mtime=0) as gz:
            get_store().dump(cast(IO[bytes], gz), format=fmt)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def stream() -> Iterator[bytes]:
        try:
            while chunk := spool.read(1 << 16):
                yield chunk
        finally:
            spool.close()

    resp = Response(stream(), mimetype="application/gzip", headers={"Content-Length": str(size)})
    resp.call_on_close(spool.close)
    resp.headers["Content-Disposition"] = f"attachment; filename=govkg-latest.{ext}"
    return _attachment(resp)
