"""graphkb: turn a blog's archive into a knowledge graph of posts, concepts and citations."""

__version__ = "0.1.0"
