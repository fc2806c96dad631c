"""runtime controllers: machine status, Services mirrored from the supervisor, version."""
