"""diplomacy-kg: news articles about diplomacy turned into a validated RDF knowledge graph."""

__version__ = "0.1.0"
