"""workshop: AI production-readiness workshops in the terminal."""

__version__ = "0.1.0"
