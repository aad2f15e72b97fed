"""Answering SPARQL queries: the engines, the guard, the pool of query processes, the result formats
and the SPARQL templates of the pages (``kg/query/sparql/``). Nothing here imports the web layer or
the build pipeline."""
