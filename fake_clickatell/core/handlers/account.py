"""Commands about the account: ``getbalance``, ``token_pay`` and ``routeCoverage``."""

from __future__ import annotations

from ..codes import Err
from ..commands import destination_reason, normalize_msisdn
from ..grammar import COVERAGE_FAIL_SENTENCE, ApiError, Balance, Coverage, Ok, PlainError, Reply
from ..request import ApiRequest
from ..rules import Decision
from .context import Context


def getbalance(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """``Credit: <n>`` with two decimals."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    return Balance(account.balance)


def token_pay(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """A voucher the scenario lists adds its credit once: ``OK: 605``."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    refused = gateway.redeem(account, request.params.present("token"))
    if refused is not None:
        # The API documents no voucher error: an unknown or spent token is a bad parameter.
        return gateway.error(Err.INVALID_PARAMETERS, account, reason=refused)
    return Ok("605")


def route_coverage(
    gateway: Context, request: ApiRequest, now: float, decision: Decision | None
) -> Reply:
    """Whether a route covers ``msisdn``, and its charge; the no-route sentence has no code."""
    account = gateway.authenticate(request, now)
    if isinstance(account, ApiError):
        return account
    number = request.params.present("msisdn")
    if number is None:
        return gateway.error(Err.INVALID_PARAMETERS, account, reason="msisdn: missing")
    msisdn = normalize_msisdn(number.strip(), account.dial_prefix)
    if msisdn is None:
        return gateway.error(
            Err.INVALID_DESTINATION, account, reason=f"msisdn: {destination_reason(number)}"
        )
    charge = gateway.route_charge(msisdn)
    return PlainError(COVERAGE_FAIL_SENTENCE) if charge is None else Coverage(charge)
