"""Typed machine-config documents, one package per Talos group (types/<group>)."""
