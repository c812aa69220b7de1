"""samenspraak.projections."""
