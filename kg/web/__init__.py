"""The web layer: the SPARQL protocol, linked data and the pages for people (templates, static files)."""
