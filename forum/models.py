"""Models of forum: filled in by its own issue."""
