"""talosctl: the command-line front end of pytalos (same verbs and flags as Talos's talosctl)."""
