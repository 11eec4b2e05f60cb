"""Where the APIs live: path prefix -> API, and the legacy HTTP API's commands: path prefix
and segment -> command name.

The API adapter routes by these tables, and scenario rules may name any of the commands (the
REST API's resources carry the names of the HTTP commands that do the same: :mod:`.rest.routes`).
"""

from __future__ import annotations

#: Path prefix -> {path segment: command}; ``.php`` is stripped from the segment first.
PATHS: dict[str, dict[str, str]] = {
    "http": {
        name: name
        for name in (
            "auth",
            "ping",
            "sendmsg",
            "querymsg",
            "delmsg",
            "getbalance",
            "getmsgcharge",
            "token_pay",
        )
    },
    "http_batch": {name: name for name in ("startbatch", "senditem", "quicksend", "endbatch")},
    "utils": {"routeCoverage": "routeCoverage", "routecoverage": "routeCoverage"},
    "mms": {"ind_push": "ind_push", "si_push": "si_push"},
}

#: The commands the gateway serves (scenario rules may name them).
COMMANDS = tuple(dict.fromkeys(command for table in PATHS.values() for command in table.values()))

#: Commands that send to recipients (a rule's recipient_error applies to these).
SENDING_COMMANDS = frozenset({"sendmsg", "senditem", "quicksend", "ind_push", "si_push"})


def resolve_command(prefix: str, segment: str) -> str:
    """The command at ``/<prefix>/<segment>``; an unknown one keeps its path (and gets 101)."""
    name = segment[:-4] if segment.endswith(".php") else segment
    return PATHS.get(prefix, {}).get(name) or f"/{prefix}/{segment}"


#: First path segment -> the API served under it (:mod:`.protocol`).
API_PREFIXES: dict[str, str] = {
    **dict.fromkeys(PATHS, "http"),
    "rest": "rest",
    "messages": "platform",
    "public-client": "platform",
    "v1": "one",
}
