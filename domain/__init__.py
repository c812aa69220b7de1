"""The domain of samenspraak: Initiative, Plan and DecisionPoint, and the rules.

Pure Python on ``eventsourcing.domain``: no I/O, no CLI, no validation framework.
"""
