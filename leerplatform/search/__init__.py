"""Search over threads, posts, action items and places: one service, two databases."""
