"""Pages of the web app. Each module has register(), which registers its page and callbacks."""
