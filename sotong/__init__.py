"""Sotong (소통): two-way communication between a local government and its residents."""

__version__ = "0.1.0"
