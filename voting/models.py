"""Models of voting: filled in by its own issue."""
