"""Alias mining: name pairs from definitions such as ``CRF(条件随机场,Conditional Random Field)``."""
from __future__ import annotations

from ..model import MinedAlias


def mine_aliases(body: str) -> tuple[MinedAlias, ...]:
    return ()
