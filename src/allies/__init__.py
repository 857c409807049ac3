"""Allies (盟友): build and run a network of core alliance partners."""

__version__ = "0.1.0"
