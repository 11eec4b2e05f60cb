"""The server's log: one readable line per request, secrets masked."""

from __future__ import annotations

from collections.abc import Callable

from ..core.clock import iso_time
from ..core.journal import mask_query
from ..core.outbox import Push


def log_line(
    log: Callable[[str], None],
    client: str | None,
    method: str,
    path: str,
    query: str,
    status: int | None,
    body: str,
    reason: str | None = None,
) -> None:
    """One readable line per request: passwords masked, the reply (what the client got) cut
    to 120 characters, then why, when the fake did not do as asked."""
    masked = mask_query(query)
    target = path + (f"?{masked}" if masked else "")
    preview = _cut(body.replace("\n", " | "), 120)
    shown = "no reply" if status is None else str(status)
    why = f"  [why: {_cut(reason, 300)}]" if reason else ""
    log(f'{client} "{method} {target}" {shown} {preview}{why}')


def push_line(push: Push) -> str:
    """One line per push attempt: what, where, and how it went."""
    attempt = push.attempts[-1]
    subject = " ".join(f"{key}={value}" for key, value in push.subject.items())
    then = push.state.value
    if push.next_due is not None:
        then = f"retry at {iso_time(push.next_due)}"
    return (
        f"push {push.push_id} {push.kind} {push.request.method} {push.shown_url()}"
        f" [{subject}] attempt {attempt.number}: {attempt.detail}; {then}"
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
