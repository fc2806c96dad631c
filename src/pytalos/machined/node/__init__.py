"""One pytalos node as a process: its folder layout, runtime events, machine status and the machined
process that ties config, sequences, services and the API together (:mod:`.machined`)."""
