"""Developer tools: regenerating the committed generated files (see generate.py)."""
