"""Extractors: concept mentions, cross-references and alias definitions found in post text.

Each extractor works on a post's raw body and returns plain tuples with character offsets
(the spaCy component in ``concepts`` wraps the same matcher for spaCy users).
"""
