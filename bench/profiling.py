"""Shared by the benchmarks: where the time goes in one run, as printed by cProfile."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable, Sequence
from typing import Any


def profile(
    run: Callable[[], Any], top: int, orders: Sequence[str] = ("cumulative", "tottime")
) -> str:
    """Run ``run`` under cProfile; the ``top`` functions in each sort order."""
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    for order in orders:
        stats.sort_stats(order).print_stats(top)
    return out.getvalue()
