"""pytalos: Talos Linux re-implemented in Python.

The package is split like Talos itself: ``pytalos.machinery`` is the pure library (config, patches,
secrets, client config) that never touches the OS; the node side and the CLI build on it.
"""

__version__ = "0.1.0"
