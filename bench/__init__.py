"""govkg's benchmarks: a generator of realistic government graphs and a harness that measures govkg against
raw pyoxigraph, rdflib and a bare WSGI app in one run (``python -m bench run --scale 100k``)."""
