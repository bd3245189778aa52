"""The graph model and the stores it lives in."""
