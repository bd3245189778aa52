"""The JSON API face (FastAPI): yente-compatible routes plus ownership exposure, over the core service."""
