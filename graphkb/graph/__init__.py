"""networkx assembly of posts, concepts, works and series, and measures derived from it."""
from .assemble import assemble

__all__ = ["assemble"]
