"""Command-line commands, one module each; cli.py lists them."""
