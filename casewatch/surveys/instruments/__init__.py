"""Shipped XLSForm instruments (see catalogue.py)."""
