"""Feature super-resolution study: the logic behind every notebook of the workflow."""

__version__ = "0.1.0"
