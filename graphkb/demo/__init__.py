"""The bundled demo corpus: original sample posts in every layout graphkb reads."""
from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).with_name("corpus")
