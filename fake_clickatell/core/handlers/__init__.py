"""The legacy HTTP API's commands: one handler per command, all of one shape (:data:`Handler`).

Each handler authenticates, validates and answers through the steps the gateway shares
(:class:`~.context.Context`); the gateway looks handlers up in :data:`HANDLERS` by command.
"""

from __future__ import annotations

from . import account, auth, batch, messages, push
from .context import Context, Handler

__all__ = ["HANDLERS", "Context", "Handler"]

#: Command name -> its handler (the names of :data:`..endpoints.COMMANDS`).
HANDLERS: dict[str, Handler] = {
    "auth": auth.auth,
    "ping": auth.ping,
    "sendmsg": messages.sendmsg,
    "querymsg": messages.querymsg,
    "delmsg": messages.delmsg,
    "getbalance": account.getbalance,
    "getmsgcharge": messages.getmsgcharge,
    "token_pay": account.token_pay,
    "routeCoverage": account.route_coverage,
    "startbatch": batch.startbatch,
    "senditem": batch.senditem,
    "quicksend": batch.quicksend,
    "endbatch": batch.endbatch,
    "ind_push": push.ind_push,
    "si_push": push.si_push,
}
