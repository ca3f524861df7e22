"""calendar_service: SEC and compliance deadlines, counted in business days and explained."""

__version__ = "0.1.0"
