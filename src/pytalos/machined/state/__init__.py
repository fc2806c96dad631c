"""What a node keeps across restarts: the machine config on STATE (:mod:`.config_store`), written with
crash-safe atomic replaces (:mod:`.atomicfile`)."""
