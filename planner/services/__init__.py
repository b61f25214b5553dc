"""Services over the pipeline: a squad (locally or on Dask), CalDAV push, explain."""
