"""The synthetic world: hidden victims, reporters, registry CSVs, linked sources and
the known truth behind them, calibrated to METHODOLOGY §5 (``docs/synthetic-world.md``)."""

from zicht.synth.world import SynthResult, SynthSpec, generate_world

__all__ = ["SynthResult", "SynthSpec", "generate_world"]
