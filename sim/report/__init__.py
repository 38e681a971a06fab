"""Presentation: figures (matplotlib, CJK fonts) and tables."""
