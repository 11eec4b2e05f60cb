"""Which tests run against which module's mutants, in stages.

Stage 1 runs the test files written for the module: most mutants die there in a second or
two. Only the survivors go on to stage 2, the in-process suite (socket variants and the slow
subprocess tests left out: they test adapters, not the core). A mutant is killed when any
selected test fails, errors or does not finish in time.
"""

from __future__ import annotations

from pathlib import Path

CORE = Path("fake_clickatell/core")

#: Stage 1 per module (path inside fake_clickatell/); a module not listed starts at stage 2.
FIRST: dict[str, tuple[str, ...]] = {
    "core/encoding.py": ("tests/test_encoding.py", "tests/test_strategies.py"),
    "core/grammar.py": ("tests/test_grammar.py",),
    "core/lifecycle.py": ("tests/test_lifecycle.py", "tests/test_message_commands.py"),
    "core/codes.py": ("tests/test_codes.py", "tests/test_grammar.py", "tests/test_sendmsg.py"),
    "core/accounts.py": ("tests/test_auth_ping.py", "tests/test_message_commands.py"),
    "core/batches.py": ("tests/test_batches.py",),
    "core/clock.py": ("tests/test_clock.py", "tests/test_sessions_clock.py"),
    "core/sessions.py": ("tests/test_sessions_clock.py", "tests/test_auth_ping.py"),
    "core/ids.py": ("tests/test_sessions_clock.py",),
    "core/commands.py": ("tests/test_sendmsg.py", "tests/test_strategies.py"),
    "core/gateway.py": (
        "tests/test_sendmsg.py",
        "tests/test_message_commands.py",
        "tests/test_auth_ping.py",
    ),
    "core/rules.py": ("tests/test_rules.py", "tests/test_rule_index.py"),
    "core/scenario_model.py": ("tests/test_scenario_loading.py",),
    "core/inbound.py": ("tests/test_callbacks.py",),
    "core/push_payloads.py": ("tests/test_callbacks.py",),
    "core/outbox.py": ("tests/test_callbacks.py",),
    "core/journal.py": ("tests/test_testing.py", "tests/test_admin.py"),
    "core/paging.py": ("tests/test_admin.py", "tests/test_admin_security.py"),
    "core/views.py": ("tests/test_admin.py",),
    "core/request.py": ("tests/test_robustness.py",),
    "core/endpoints.py": (
        "tests/test_auth_ping.py",
        "tests/test_message_commands.py",
        "tests/test_batches.py",
        "tests/test_coverage_vouchers_wap.py",
        "tests/test_rest_api.py",
    ),
    "core/protocol.py": ("tests/test_sendmsg.py", "tests/test_rest_api.py"),
    "core/http_api.py": ("tests/test_sendmsg.py", "tests/test_message_commands.py"),
    "core/rest/body.py": ("tests/test_rest_api.py", "tests/test_rest_edges.py"),
    "core/rest/codes.py": ("tests/test_rest_api.py", "tests/test_rest_edges.py"),
    "core/rest/handlers.py": ("tests/test_rest_api.py", "tests/test_rest_shared_model.py"),
    "core/rest/replies.py": ("tests/test_rest_api.py", "tests/test_rest_edges.py"),
    "core/rest/routes.py": ("tests/test_rest_api.py", "tests/test_rest_edges.py"),
    "core/handlers/account.py": (
        "tests/test_coverage_vouchers_wap.py",
        "tests/test_message_commands.py",
    ),
    "core/handlers/auth.py": ("tests/test_auth_ping.py",),
    "core/handlers/batch.py": ("tests/test_batches.py",),
    "core/handlers/context.py": ("tests/test_sendmsg.py",),
    "core/handlers/messages.py": ("tests/test_sendmsg.py", "tests/test_message_commands.py"),
    "core/handlers/push.py": ("tests/test_coverage_vouchers_wap.py",),
    "core/routing.py": (
        "tests/test_rest_api.py",
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
    ),
    "core/json_input.py": (
        "tests/test_rest_edges.py",
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
    ),
    "core/push_plans.py": ("tests/test_integration_callbacks.py",),
    "core/integrations/access.py": (
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/integrations/hooks.py": ("tests/test_integration_callbacks.py",),
    "core/integrations/keys.py": (
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/integrations/numbers.py": (
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/integrations/replies.py": (
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/integrations/sends.py": (
        "tests/test_platform_api.py",
        "tests/test_one_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/integrations/statuses.py": (
        "tests/test_integration_callbacks.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/rest/__init__.py": ("tests/test_rest_api.py", "tests/test_rest_edges.py"),
    "core/platform/__init__.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/platform/body.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/platform/codes.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/platform/handlers.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/platform/pushes.py": ("tests/test_integration_callbacks.py",),
    "core/platform/replies.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/platform/routes.py": (
        "tests/test_platform_api.py",
        "tests/test_integration_shared_model.py",
    ),
    "core/one_api/__init__.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
    "core/one_api/body.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
    "core/one_api/codes.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
    "core/one_api/handlers.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
    "core/one_api/pushes.py": ("tests/test_integration_callbacks.py",),
    "core/one_api/replies.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
    "core/one_api/routes.py": ("tests/test_one_api.py", "tests/test_integration_shared_model.py"),
}

#: Stage 2: the test files that exercise the core in-process, fastest first. Not the slow ones
#: that test something else mostly (the strategies, YAML loading, 300 fixed examples): they are
#: stage 1 of the modules they test.
BROAD: tuple[str, ...] = (
    "tests/test_encoding.py",
    "tests/test_grammar.py",
    "tests/test_codes.py",
    "tests/test_clock.py",
    "tests/test_lifecycle.py",
    "tests/test_sessions_clock.py",
    "tests/test_message_commands.py",
    "tests/test_auth_ping.py",
    "tests/test_sendmsg.py",
    "tests/test_batches.py",
    "tests/test_coverage_vouchers_wap.py",
    "tests/test_callbacks.py",
    "tests/test_rules.py",
    "tests/test_admin.py",
    "tests/test_testing.py",
    "tests/test_rest_api.py",
    "tests/test_rest_edges.py",
    "tests/test_rest_shared_model.py",
    "tests/test_platform_api.py",
    "tests/test_one_api.py",
    "tests/test_integration_shared_model.py",
    "tests/test_integration_callbacks.py",
    "tests/test_client.py",
    "tests/test_client_commands.py",
    "tests/test_client_properties.py",
    "tests/test_client_state_machine.py",
)

#: Given to pytest for every stage: stop at the first failure, skip the socket variants of
#: transport-parametrized tests (the same core behind a real socket), write no cache. Plain
#: asserts: pytest's assert rewriting imports the package of every pytest plugin (this one is)
#: itself, from disk, past the hook that serves the mutant. No xdist: one process a mutant.
PYTEST_ARGS: tuple[str, ...] = (
    "--assert=plain",
    "-p",
    "no:xdist",
    "-x",
    "-q",
    "-p",
    "no:cacheprovider",
    "-k",
    "not socket",
)


def core_modules() -> list[str]:
    """Every module of the core, as paths inside fake_clickatell/: a package's ``__init__``
    too when it holds code (a protocol's table and adapters do), not when it only re-exports."""
    return sorted(
        str(path.relative_to(CORE.parent))
        for path in CORE.rglob("*.py")
        if path.name != "__init__.py" or "\ndef " in path.read_text(encoding="utf-8")
    )


def stages(module: str) -> list[tuple[str, ...]]:
    """The test files each stage runs for ``module``'s mutants (no stage is empty)."""
    first = FIRST.get(module, ())
    second = tuple(path for path in BROAD if path not in first)
    return [stage for stage in (first, second) if stage]
