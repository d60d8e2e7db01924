"""graphkb's ontology files (graphkb.ttl, shapes.ttl, concepts, saved queries), installed as graphkb.ontology."""
