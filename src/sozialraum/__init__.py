"""sozialraum — small-area social monitoring for German districts and cities."""

__version__ = "0.1.0"
