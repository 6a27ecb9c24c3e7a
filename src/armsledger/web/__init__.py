"""The web app: browse, check and correct the ledger in a browser, and a JSON API for scripts."""

from armsledger.web.app import create_app

__all__ = ["create_app"]
