"""The admin API described as OpenAPI 3.1 (served at ``/__admin/openapi.json``).

The test suite runs schemathesis against the live app with this document, so every endpoint,
status and schema written here is what the server does; a change to one without the other
fails the suite.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from ..core.clock import MAX_TIME
from ..core.codes import STATUSES
from ..core.gateway import PROTOCOLS
from ..core.paging import DEFAULT_PAGE, MAX_OFFSET, MAX_PAGE
from ..core.protocol import ONE, PLATFORM
from ..scenario.schema import SECTIONS

#: Message statuses as the admin API writes them.
STATUS_CODES = tuple(f"{code:03d}" for code in STATUSES)

_TIME = {"type": "number", "description": "unix seconds on the virtual clock"}
_ISO = {"type": "string", "description": "the same time, ISO 8601 UTC (…Z)"}
_MONEY = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$", "description": "exact decimal"}
_STATUS3 = {"type": "string", "pattern": "^[0-9]{3}$", "description": "three digits"}
_NULLABLE_STR = {"type": ["string", "null"]}
#: The APIs whose keys are integrations (the API key itself is never shown).
INTEGRATION_APIS = (PLATFORM, ONE)


def _object(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with exactly these properties (all required but ``optional``)."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(key: str, item: str) -> dict[str, Any]:
    return _object({key: {"type": "array", "items": _ref(item)}, "page": _ref("Page")})


SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": {"type": "string"}}),
    "Page": _object(
        {
            "offset": {"type": "integer", "minimum": 0},
            "limit": {"type": ["integer", "null"], "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "next_offset": {"type": ["integer", "null"], "minimum": 0},
        }
    ),
    "Clock": _object({"now": _TIME, "now_iso": _ISO, "frozen": {"type": "boolean"}}),
    "StatusChange": _object({"status": _STATUS3, "time": _TIME, "time_iso": _ISO}),
    "Message": _object(
        {
            "apimsgid": {"type": "string"},
            "api": {"enum": list(PROTOCOLS), "description": "the API it was sent through"},
            "integration": {
                "type": ["string", "null"],
                "description": "the Platform or One API integration that sent it (its id)",
            },
            "climsgid": _NULLABLE_STR,
            "api_id": {"type": "string"},
            "user": {"type": "string"},
            "to": {"type": "string"},
            "from": _NULLABLE_STR,
            "text": {"type": "string"},
            "unicode": {"type": "boolean"},
            "coding": {"enum": ["gsm7", "ucs2", "8bit"]},
            "udh": _NULLABLE_STR,
            "data": _NULLABLE_STR,
            "kind": {"enum": ["sms", "mms_ind_push", "wap_si_push"]},
            "push": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
            "parts": {"type": "integer", "minimum": 1},
            "charge": _MONEY,
            "status": _STATUS3,
            "status_history": {"type": "array", "items": _ref("StatusChange")},
            "accepted_at": _TIME,
            "accepted_at_iso": _ISO,
            "release_at": _TIME,
            "release_at_iso": _ISO,
            "options": {"type": "object"},
        }
    ),
    "JournalEntry": _object(
        {
            "seq": {"type": "integer", "minimum": 1},
            "time": _TIME,
            "time_iso": _ISO,
            "method": {"type": "string"},
            "path": {"type": "string"},
            "command": {"type": "string", "description": "empty: it reached no command"},
            "params": {"type": "object", "additionalProperties": {"type": "string"}},
            "client_ip": {"type": "string"},
            "status": {"type": ["integer", "null"], "description": "null: no reply at all"},
            "body": {"type": "string"},
            "rule": _NULLABLE_STR,
            "reason": _NULLABLE_STR,
            "api": {"enum": ["", *PROTOCOLS], "description": "the API; empty: none"},
        }
    ),
    "Account": _object(
        {
            "api_id": {"type": "string"},
            "user": {"type": "string"},
            "balance": _MONEY,
            "frozen": {"type": "boolean"},
            "currency": {"type": "string", "description": "what the Platform and One API say"},
            "integrations": {"type": "array", "items": _ref("Integration")},
        }
    ),
    "Integration": _object(
        {
            "api": {"enum": list(INTEGRATION_APIS)},
            "kind": {"enum": ["rest", "http", None], "description": "null: either (One API)"},
            "id": {"type": "string", "description": "the integrationId"},
            "name": {"type": "string"},
            "numbers": {"type": "array", "items": {"type": "string"}},
            "active": {"type": "boolean"},
        }
    ),
    "Attempt": _object(
        {
            "attempt": {"type": "integer", "minimum": 0},
            "time": _TIME,
            "time_iso": _ISO,
            "ok": {"type": "boolean"},
            "detail": {"type": "string"},
            "status_code": {"type": ["integer", "null"]},
        }
    ),
    "Push": {
        "type": "object",
        "description": "a callback (apimsgid, status) or an inbound message (moMsgId, from, to)",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["callback", "mo"]},
            "api_id": {"type": "string"},
            "user": {"type": "string"},
            "state": {"enum": ["pending", "delivered", "failed", "refused", "dropped"]},
            "method": {"enum": ["GET", "POST"]},
            "url": {"type": "string"},
            "body": _NULLABLE_STR,
            "created_at": _TIME,
            "created_at_iso": _ISO,
            "next_attempt_at": {"type": ["number", "null"]},
            "next_attempt_at_iso": _NULLABLE_STR,
            "attempts": {"type": "array", "items": _ref("Attempt")},
        },
        "required": ["id", "kind", "state", "method", "url", "body", "attempts"],
    },
    "Inbound": _object(
        {
            "moMsgId": {"type": "string"},
            "api_id": {"type": "string"},
            "from": {"type": "string"},
            "to": {"type": "string"},
            "timestamp": _TIME,
            "timestamp_iso": _ISO,
            "text": {"type": "string"},
            "charset": {"enum": ["ISO-8859-1", "UTF-16BE"]},
            "udh": {"type": "string"},
            "network": {"type": "string"},
        }
    ),
    "Rule": _object(
        {
            "index": {"type": "integer", "minimum": 0},
            "name": {"type": "string"},
            "enabled": {"type": "boolean"},
            "matched": {"type": "integer", "minimum": 0},
            "fired": {"type": "integer", "minimum": 0},
            "times": {"type": ["integer", "null"]},
        }
    ),
    "Rules": _object(
        {
            "rules": {"type": "array", "items": _ref("Rule")},
            "never_fired": {"type": "array", "items": {"type": "string"}},
        }
    ),
    "RecordedError": _object(
        {
            "method": {"type": "string"},
            "path": {"type": "string"},
            "error": {"type": "string"},
            "traceback": {"type": "string"},
            "params": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    ),
}

_PAGE_PARAMETERS = [
    {
        "name": "offset",
        "in": "query",
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        "description": "the first item's position",
    },
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
        "description": "the most items on the page",
    },
]


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "schema": schema or {"type": "string"},
        "description": description,
    }


_SINCE = _query(
    "since",
    "at or after this time: unix seconds, or an RFC 3339 date-time",
    {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "format": "date-time"}]},
)


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], description: str = "done") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_BAD = {"$ref": "#/components/responses/BadRequest"}
_DOOR = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "421": {"$ref": "#/components/responses/Misdirected"},
}


def _operation(summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**responses, **_DOOR}, **more}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the admin API."""
    clock_change = {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "advance": {"type": "number", "minimum": 0, "maximum": MAX_TIME},
            "set": {"type": "number", "minimum": 0, "maximum": MAX_TIME},
            "freeze": {"type": "boolean"},
        },
    }
    inbound = {
        "type": "object",
        "required": ["to", "from", "text"],
        "additionalProperties": False,
        "properties": {
            key: {"type": "string", "minLength": 1}
            for key in ("to", "from", "text", "api_id", "user", "network")
        },
    }
    paths: dict[str, Any] = {
        "/__admin/health": {
            "get": _operation(
                "liveness and readiness (cheap: takes no lock)",
                {
                    "200": _ok(
                        _object({"status": {"const": "ok"}, "version": {"type": "string"}}),
                        "the fake is up",
                    )
                },
            )
        },
        "/__admin/openapi.json": {
            "get": _operation("this document", {"200": _ok({"type": "object"}, "OpenAPI 3.1")})
        },
        "/__admin/events": {
            "get": _operation(
                "server-sent events: a change event at once and whenever the fake changes"
                " (data: {version, why}); the stream stays open, with a comment every 15 s",
                {
                    "200": {
                        "description": "an endless text/event-stream; each event:",
                        "content": {
                            "text/event-stream": {
                                "schema": {
                                    "type": "object",
                                    "required": ["event", "data"],
                                    "properties": {
                                        "event": {"const": "change"},
                                        "data": {
                                            "type": "string",
                                            "contentMediaType": "application/json",
                                            "description": '{"version": int, "why": "change"'
                                            ' or "due" (a status changed by itself)}',
                                        },
                                        "retry": {"type": "integer", "minimum": 0},
                                    },
                                }
                            }
                        },
                    }
                },
            )
        },
        "/__admin/messages": {
            "get": _operation(
                "accepted messages, oldest first",
                {"200": _ok(_list("messages", "Message")), "400": _BAD},
                parameters=[
                    *_PAGE_PARAMETERS,
                    _query("to", "to this number (digits)"),
                    _query("status", "in this status", {"enum": list(STATUS_CODES)}),
                    _query("api_id", "of this api_id"),
                    _query("climsgid", "with this client message id"),
                    _SINCE,
                    _query("api", "sent through this API", {"enum": list(PROTOCOLS)}),
                ],
            )
        },
        "/__admin/requests": {
            "get": _operation(
                "the request journal, oldest first",
                {
                    "200": _ok(
                        _object(
                            {
                                "limit": {"type": "integer"},
                                "char_limit": {"type": "integer"},
                                "total": {"type": "integer"},
                                "requests": {"type": "array", "items": _ref("JournalEntry")},
                                "page": _ref("Page"),
                            }
                        )
                    ),
                    "400": _BAD,
                },
                parameters=[
                    *_PAGE_PARAMETERS,
                    _query(
                        "after",
                        "entries past this seq (exact while requests keep coming)",
                        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                    ),
                    _query("command", "this command; empty: requests that reached none"),
                    _query("path", "this path"),
                    _query(
                        "api", "to this API; empty: outside every API", {"enum": ["", *PROTOCOLS]}
                    ),
                    _query(
                        "status",
                        "this HTTP status, or none (no reply)",
                        {"type": "string", "pattern": "^([1-5][0-9][0-9]|none)$"},
                    ),
                    _SINCE,
                ],
            )
        },
        "/__admin/accounts": {
            "get": _operation(
                "every account",
                {"200": _ok(_list("accounts", "Account")), "400": _BAD},
                parameters=_PAGE_PARAMETERS,
            )
        },
        "/__admin/errors": {
            "get": _operation(
                "exceptions the fake raised since the last reset",
                {
                    "200": _ok(
                        _object({"errors": {"type": "array", "items": _ref("RecordedError")}})
                    )
                },
            )
        },
        "/__admin/reset": {
            "post": _operation(
                "back to the scenario the server was started with (scenario=current: the"
                " one loaded now)",
                {
                    "200": _ok(
                        _object(
                            {
                                "reset": {"const": True},
                                "scenario": {"type": "string"},
                                "clock": _ref("Clock"),
                                "last_push_id": {"type": "integer", "minimum": 0},
                            }
                        )
                    ),
                    "400": _BAD,
                },
                parameters=[
                    _query(
                        "scenario",
                        "which scenario to start again from",
                        {"enum": ["initial", "current"], "default": "initial"},
                    )
                ],
            )
        },
        "/__admin/clock": {
            "get": _operation("the virtual clock", {"200": _ok(_ref("Clock"))}),
            "post": _operation(
                "freeze or unfreeze, set, then advance the clock",
                {"200": _ok(_ref("Clock")), "400": _BAD},
                requestBody=_json_body(clock_change),
            ),
        },
        "/__admin/scenario": {
            "put": _operation(
                "replace the scenario (YAML) and reset; its allowed_hosts can only narrow",
                {
                    "200": _ok(
                        _object(
                            {
                                "loaded": {"type": "string"},
                                "accounts": {"type": "integer", "minimum": 0},
                                "last_push_id": {"type": "integer", "minimum": 0},
                            }
                        )
                    ),
                    "400": _BAD,
                },
                requestBody={
                    "required": False,
                    "description": "a scenario in YAML (docs/scenarios.md has every key);"
                    " empty: the default scenario (open mode)",
                    "content": {
                        "application/yaml": {
                            "schema": {
                                "type": ["object", "null"],
                                "properties": {name: {} for name in SECTIONS},
                                "additionalProperties": False,
                            }
                        }
                    },
                },
            )
        },
        "/__admin/callbacks": {
            "get": _operation(
                "every push with its attempts",
                {"200": _ok(_list("pushes", "Push")), "400": _BAD},
                parameters=_PAGE_PARAMETERS,
            )
        },
        "/__admin/callbacks/flush": {
            "post": _operation(
                "send every push due now, and answer when done",
                {
                    "200": _ok(
                        _object(
                            {
                                "flushed": {"type": "boolean"},
                                "pushes": {"type": "array", "items": _ref("Push")},
                                "page": _ref("Page"),
                            }
                        )
                    ),
                    "400": _BAD,
                },
                parameters=_PAGE_PARAMETERS,
            )
        },
        "/__admin/mo": {
            "get": _operation(
                "every inbound message part injected",
                {"200": _ok(_list("inbound", "Inbound")), "400": _BAD},
                parameters=_PAGE_PARAMETERS,
            ),
            "post": _operation(
                "inject an inbound SMS (pushed to the account's MO URL)",
                {
                    "200": _ok(
                        _object({"moMsgIds": {"type": "array", "items": {"type": "string"}}})
                    ),
                    "400": _BAD,
                },
                requestBody=_json_body(inbound),
            ),
        },
        "/__admin/rules": {
            "get": _operation(
                "the scenario's rules with their counters", {"200": _ok(_ref("Rules"))}
            )
        },
        "/__admin/rules/{name}": {
            "post": _operation(
                "switch a rule (by name or index) on or off",
                {
                    "200": _ok(_ref("Rules")),
                    "400": _BAD,
                    "404": {
                        "description": "no such rule (an empty name: no such path, as text)",
                        "content": {
                            "application/json": {"schema": _ref("Error")},
                            "text/plain": {"schema": {"type": "string"}},
                        },
                    },
                },
                parameters=[
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1},
                    }
                ],
                requestBody=_json_body(
                    _object({"enabled": {"type": "boolean"}}),
                ),
            )
        },
    }
    text = {"text/plain": {"schema": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fake-clickatell admin API",
            "version": __version__,
            "description": (
                "Watch and drive a running fake: messages, the request journal, accounts,"
                " the virtual clock, scenarios, rules, pushes and inbound messages."
                " Listings come a page at a time."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "BadRequest": {
                    "description": "the input cannot be taken; error says why",
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
                "Unauthorized": {
                    "description": "the admin token is missing or wrong",
                    "content": text,
                },
                "Forbidden": {
                    "description": "a cross-site request may not change state",
                    "content": text,
                },
                "Misdirected": {"description": "Host does not name this server", "content": text},
            },
        },
    }
