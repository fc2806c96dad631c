"""secrets controllers: OS root secrets from the config, apid certificate SANs and certificates."""
