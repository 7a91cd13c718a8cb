"""CME Ledger: continuing medical education credit, kept once and counted everywhere."""

__version__ = "0.1.0"
