"""machined's sequencer (Talos ``runtime/v1alpha1`` controller + sequencer).

A :class:`~.sequence.Sequence` (Initialize, Boot, Reboot, Shutdown, Reset) is an ordered list of
phases; a phase is a set of tasks run in parallel. :class:`~.runner.Sequencer` runs one sequence at a
time under a priority lock (:mod:`.lock`) so that Reboot, Shutdown or Reset can take over a running
Boot, and publishes Talos's ``SequenceEvent``/``PhaseEvent``/``TaskEvent`` for every step
(:mod:`.events`). The node's concrete sequences are built in :mod:`.sequences`.
"""
