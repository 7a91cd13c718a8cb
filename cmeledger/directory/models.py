"""CME providers and the accredited organizations each board accepts."""
