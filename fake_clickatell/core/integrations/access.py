"""Which integration a Platform or One API request speaks for: the steps both APIs share."""

from __future__ import annotations

from collections.abc import Callable

from ..accounts import Account
from ..grammar import ApiError
from ..handlers.context import Context
from ..scenario_model import Integration

#: An API's own check of the integration a key opened (``None``: it passes).
Check = Callable[[Account, Integration], ApiError | None]


def keyed_integration(
    gateway: Context,
    api: str,
    key: str | None,
    unauthorized: str | None,
    client_ip: str,
    *,
    invalid_key: int,
    inactive: int,
    check: Check | None = None,
) -> tuple[Account, Integration] | ApiError:
    """The account and the integration ``key`` opens, or the refusal in ``api``'s numbers: no
    key (``invalid_key``, saying ``unauthorized``), the account's own refusals, ``check``'s,
    then an integration switched off (``inactive``)."""
    if key is None:
        return gateway.error(invalid_key, reason=unauthorized, api=api)
    account = gateway.authenticate_key(api, key, client_ip)
    if isinstance(account, ApiError):
        return account
    integration = gateway.accounts.integration(api, key)
    assert integration is not None  # the key opened the account: it is an integration's
    refused = None if check is None else check(account, integration)
    if refused is not None:
        return refused
    if not integration.active:
        reason = f"integration {integration.name!r} is not active"
        return gateway.error(inactive, account, reason=reason, api=api)
    return account, integration
