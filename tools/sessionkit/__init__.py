"""sessionkit: the toolkit around the session-booking database layer."""

__version__ = "0.1.0"
