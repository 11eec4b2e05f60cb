"""``auth`` opens a session; ``ping`` keeps one alive."""

from __future__ import annotations

from ..codes import Err
from ..commands import Credentials
from ..grammar import ApiError, Ok, Reply
from ..request import ApiRequest
from ..rules import Decision
from .context import Context


def auth(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """``OK: <session_id>`` for good credentials (a session_id given to auth does not count)."""
    credentials = Credentials.from_params(request.params)
    account = gateway.check_credentials(credentials, request.client_ip)
    if isinstance(account, ApiError):
        return account
    return Ok(gateway.open_session(account, now))


def ping(gateway: Context, request: ApiRequest, now: float, decision: Decision | None) -> Reply:
    """``OK: `` for a live session, renewing it; credentials on ping do not count."""
    session_id = request.params.present("session_id")
    if session_id is None:
        return gateway.error(
            Err.MISSING_SESSION, reason="ping takes a session_id (credentials do not count)"
        )
    account = gateway.session_account(session_id, now, request.client_ip)
    return account if isinstance(account, ApiError) else Ok("")
