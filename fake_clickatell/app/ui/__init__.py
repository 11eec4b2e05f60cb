"""The web inbox: watch and drive the fake in a browser (``/`` and ``/__ui/...``).

Pages are rendered on the server (Jinja, autoescaped) from a snapshot read under the
runtime's lock; a small script (``static/ui.js``, no build step, nothing fetched from
elsewhere) follows ``/__admin/events`` to refresh the live parts of a page, and sends every
change (a reply, the clock, a rule, a reset) through the admin API. docs/ui.md tells more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .pages import PREFIX, blueprint

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["PREFIX", "register"]


def register(app: Flask) -> None:
    """Serve the web UI from ``app`` (the admin app: behind the same door)."""
    app.register_blueprint(blueprint)
