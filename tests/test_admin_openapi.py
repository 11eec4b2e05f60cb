"""The admin API is what its OpenAPI document says: schemathesis checks every operation.

schemathesis (built on Hypothesis) reads ``/__admin/openapi.json`` from the live app, sends
each documented operation generated inputs, and checks every answer: no server error, a
documented status, the documented content type and schema. A scenario with accounts, rules,
messages and pushes gives the listings something to show.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from fake_clickatell import create_app, load_scenario_text
from fake_clickatell.app import runtime_of

SCENARIO = """
seed: 7
clock: {start: 2027-01-15T08:00:00Z, frozen: true}
accounts:
  - api_id: "1"
    user: u
    password: p
    callback: {url: "http://hooks.invalid/cb"}
    mo: {numbers: ["27999000009"], url: "http://hooks.invalid/mo"}
rules:
  - {name: slow-ping, when: {command: ping}, then: {error: 901}}
"""


def _app() -> Flask:
    app = create_app(load_scenario_text(SCENARIO, "openapi.yaml"))
    runtime_of(app).sleep = lambda seconds: None
    client = app.test_client()
    for to in ("27999000001", "27999000002"):
        query = {
            "api_id": "1",
            "user": "u",
            "password": "p",
            "to": to,
            "text": "hi",
            "callback": "7",
        }
        client.get("/http/sendmsg", query_string=query)
    client.post("/__admin/mo", json={"to": "27999000009", "from": "27999000001", "text": "hi"})
    client.get("/sendmsg")  # a path outside the API: journaled too
    return app


APP = _app()
schema = schemathesis.openapi.from_wsgi("/__admin/openapi.json", APP)
# /__admin/events never ends: its first event (sent at once) is the one checked.
schema.config.max_stream_events = 1


#: Operations whose valid inputs may still be refused by the fake's state or by what a schema
#: cannot say (a YAML scenario that does not validate, a number no account owns, a clock
#: that would pass the year 9999): for them, a 400 to schema-valid data is not a failure.
STATEFUL = {("POST", "/__admin/clock"), ("POST", "/__admin/mo"), ("PUT", "/__admin/scenario")}


@schema.parametrize()
@settings(max_examples=25, suppress_health_check=list(HealthCheck), deadline=None)
def test_the_admin_api_does_what_its_document_says(case: schemathesis.Case[Any]) -> None:
    excluded = []
    if (case.method.upper(), case.path) in STATEFUL:
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(excluded_checks=excluded)


def test_the_document_covers_every_admin_route():
    documented = set(APP.test_client().get("/__admin/openapi.json").get_json()["paths"])
    routes = {
        rule.rule.replace("<path:key>", "{name}")
        for rule in APP.url_map.iter_rules()
        if rule.rule.startswith("/__admin")
    }
    assert documented == routes
