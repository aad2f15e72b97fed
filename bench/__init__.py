"""A benchmark of our SPARQL endpoint against Oxigraph server on the same data (``python -m bench``)."""
