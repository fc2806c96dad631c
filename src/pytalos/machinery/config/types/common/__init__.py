"""Building blocks shared by several document groups (one implementation each).

The groups under ``types/`` were written in parallel and each needed the same Go behaviours: URL
parsing, netip addresses, enum codecs, CEL syntax checks, Kubernetes name rules, PEM checks and
``%q`` quoting. Keeping one copy here means a fix to a Go quirk lands everywhere at once. Modules are
imported directly (``from ..common.url import URL``); this package imports nothing on purpose so that
loading one helper never drags in the others.
"""
