"""machined: the node supervisor (PID 1's right hand in Talos).

It boots the node through its sequences, supervises the system services, and runs the resource
runtime (:mod:`pytalos.machined.runtime`) whose controllers turn the machine config into the node's
actual state. Nothing in :mod:`pytalos.machinery` may import this package.
"""
