"""Aggregations computed in SQL (GROUP BY), returned as pandas DataFrames."""
