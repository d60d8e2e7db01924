"""Linking: the concept base (SKOS, from ontology/) and the resolution of citations to posts or works."""
