"""Source adapters (one module per format) and the pipeline that stores their records."""
