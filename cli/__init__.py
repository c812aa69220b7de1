"""samenspraak.cli."""
