"""Draft annotations for new articles: entities, figures, periods, claims, to be confirmed by a person."""
