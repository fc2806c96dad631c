"""cluster controllers: node identity, cluster info, the local affiliate and members."""
