"""The server's log: one readable line per request, secrets masked."""

from __future__ import annotations

from collections.abc import Callable

from ..core.journal import mask_query


def log_line(
    log: Callable[[str], None],
    client: str | None,
    method: str,
    path: str,
    query: str,
    status: int,
    body: str,
) -> None:
    """One readable line per request: passwords masked, the reply cut to 120 characters."""
    masked = mask_query(query)
    target = path + (f"?{masked}" if masked else "")
    preview = body.replace("\n", " | ")
    if len(preview) > 120:
        preview = preview[:117] + "..."
    log(f'{client} "{method} {target}" {status} {preview}')
