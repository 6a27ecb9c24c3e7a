"""Plotly in the pages: its JavaScript served from the installed package, figures embedded as JSON data."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import plotly.graph_objects as go
from fastapi import APIRouter, Request
from fastapi.responses import Response
from plotly.offline import get_plotlyjs

router = APIRouter(include_in_schema=False)
PLOTLY_PATH = "/assets/plotly.min.js"


@lru_cache(maxsize=1)
def _plotly() -> tuple[bytes, str]:
    body = get_plotlyjs().encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:16]


@router.get(PLOTLY_PATH)
def plotly_js(request: Request) -> Response:
    """The plotly.js bundle of the installed plotly package (never a CDN)."""
    body, etag = _plotly()
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        body,
        media_type="application/javascript",
        headers={"ETag": etag, "Cache-Control": "public, max-age=86400"},
    )


def figure_json(fig: go.Figure) -> str:
    """A figure as JSON that is safe inside a <script type="application/json"> element."""
    # '<', '>' and '&' only occur inside JSON strings, where their \\u escapes mean the same.
    return fig.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
