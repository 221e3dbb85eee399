"""Models of releases: filled in by its own issue."""
