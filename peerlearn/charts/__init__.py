"""Altair chart builders: a DataFrame in, a chart out."""
