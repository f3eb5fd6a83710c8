"""secreview: declarative security and compliance review of IT systems before procurement."""

__version__ = "0.1.0"
