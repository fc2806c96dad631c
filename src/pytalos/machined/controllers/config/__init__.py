"""config controllers: the acquired config bytes become the active MachineConfig and MachineType."""
