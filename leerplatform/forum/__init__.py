"""The conversation: threads and threaded replies in the regional and national spaces."""
