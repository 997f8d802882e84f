"""Excel workbooks: the summary export and spreadsheet import."""
