"""Tests of the service supervisor (pytalos.machined.system)."""
