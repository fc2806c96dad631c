"""time controllers: whether the node clock is trusted (TimeStatus)."""
