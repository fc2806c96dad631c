"""network controllers: link/address status from rtnetlink, node addresses and the hostname."""
