"""Smoke tests of the benchmark harness (benchmarks/): its arithmetic, its parsing, and that a
very short in-process run prints a table. No timing is asserted: speed lives in benchmarks/.
"""

from __future__ import annotations

import collections
import contextlib
import importlib.util
import json
import math

import pytest

from benchmarks import (
    breakdown,
    fixtures,
    gcpause,
    inbox,
    memory,
    profile,
    rules,
    runner,
    serve,
    throughput,
)
from benchmarks.config import Config
from benchmarks.stats import Better, Report, Target, format_value, ratio, summarize
from benchmarks.targets import Servers
from benchmarks.wrk import WRK_MISSING, WrkError, parse_output, wrk_command

WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:40000/http/sendmsg?session_id=x
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.87ms    2.52ms  33.56ms   89.03%
    Req/Sec     4.16k   310.41     4.51k    80.00%
  Latency Distribution
     50%  850.00us
     75%    4.22ms
     90%    5.63ms
     99%    1.02s
  12441 requests in 2.01s, 1.60MB read
  Socket errors: connect 0, read 2, write 1, timeout 0
  Non-2xx or 3xx responses: 5
Requests/sec:   6189.55
Transfer/sec:    532.88KB
"""


def test_summary_is_median_and_extremes():
    assert summarize([3.0, 1.0, 2.0, 10.0]) == summarize([10.0, 2.0, 1.0, 3.0])
    summary = summarize([3.0, 1.0, 2.0, 10.0])
    assert (summary.median, summary.low, summary.high, summary.n) == (2.5, 1.0, 10.0, 4)
    with pytest.raises(ValueError, match="no samples"):
        summarize([])


def test_ratio_is_paired_by_round_when_counts_match():
    # Round 2 ran on a slower machine: both halved. Paired ratios see 2x in every round.
    paired = ratio([200.0, 100.0, 210.0], [100.0, 50.0, 105.0])
    assert (paired.median, paired.low, paired.high) == (2.0, 2.0, 2.0)
    unpaired = ratio([200.0, 100.0], [100.0, 50.0, 105.0])
    assert unpaired.median == pytest.approx(150 / 100)
    assert (unpaired.low, unpaired.high) == (100 / 105, 200 / 50)
    assert math.isinf(ratio([1.0], [0.0]).median)


def test_target_verdicts():
    at_least = Target(0.75, Better.HIGHER)
    assert at_least.verdict(summarize([1.0]), summarize([0.8, 0.9])) == "ok"
    assert at_least.verdict(summarize([1.0]), summarize([0.7, 0.8, 0.9])) == "ok (spread crosses)"
    assert at_least.verdict(summarize([1.0]), summarize([0.6])) == "MISSED by 20%"
    at_most = Target(1024, Better.LOWER, on_ratio=False)
    assert at_most.verdict(summarize([1536.0]), None) == "MISSED by 50%"
    assert at_most.describe("B") == "≤ 1,024 B"
    assert Target(0.125, Better.LOWER).describe() == "≤ 0.125x"


def test_values_are_formatted_with_units():
    assert format_value(4134.98, "req/s") == "4,135 req/s"
    assert format_value(0.01234, "ms") == "0.0123 ms"
    assert format_value(1414.2, "B") == "1,414 B"
    assert format_value(141 * 1024 * 1024, "B") == "141 MiB"


def test_report_renders_ratios_targets_and_footnoted_skips():
    report = Report()
    report.section("s", "a section")
    for value, base in ((800.0, 1000.0), (820.0, 1000.0)):
        report.add("fast", "ours", "req/s", value)
        report.add("base", "theirs", "req/s", base)
    report.skip("gone", "missing one", "req/s", "tool not installed")
    report.row("s", "fast", "base", Target(1.0, Better.HIGHER))
    report.row("s", "gone", "base", Target(1.0, Better.HIGHER))
    report.row("s", "base", "gone")
    text = report.render()
    assert "0.81x [0.8 - 0.82]" in text
    assert "MISSED by 19%" in text
    assert "[1] tool not installed" in text
    assert text.count("skipped [1]") == 3  # the missing value, its verdict, the missing ratio
    assert [verdict for _, verdict in report.verdicts()] == ["MISSED by 19%", "skipped"]
    record = report.to_json()
    assert record["metrics"]["fast"]["samples"] == [800.0, 820.0]
    assert record["rows"][1]["skipped"] == "tool not installed"


def test_wrk_output_is_parsed():
    result = parse_output(WRK_OUTPUT)
    assert result.requests == 12441
    assert result.duration == pytest.approx(2.01)
    assert result.requests_per_second == pytest.approx(6189.55)
    assert result.p50 == pytest.approx(850e-6)
    assert result.p99 == pytest.approx(1.02)
    assert (result.socket_errors, result.non_2xx) == (3, 5)
    assert result.max_latency == pytest.approx(33.56e-3)
    with pytest.raises(WrkError, match="unexpected wrk output"):
        parse_output("wrk: something else entirely")


def test_wrk_targets_loopback_only_and_whole_seconds():
    command = wrk_command("wrk", "http://127.0.0.1:1/x", duration=0.4, connections=4)
    assert command[:4] == ["wrk", "-t1", "-c4", "-d1s"]
    assert "Connection: close" in wrk_command(
        "wrk", "http://localhost:1/", duration=2, connections=1, keep_alive=False
    )
    with pytest.raises(ValueError, match="loopback"):
        wrk_command("wrk", "http://192.0.2.1:80/", duration=1, connections=1)


def test_without_wrk_every_socket_row_says_skipped():
    report = Report()
    throughput.run(report, Config.quick(wrk=None))
    text = report.render()
    assert f"[1] {WRK_MISSING}" in text
    assert "fake@ours x1 keep-alive req/s" in text
    verdicts = report.verdicts()
    assert verdicts
    assert {verdict for _, verdict in verdicts} == {"skipped"}


def test_memory_probes_count_what_they_store():
    stored = memory.probe_gateway(200)
    assert stored["messages"] == 200
    assert stored["journal"] == 201  # the auth request and the 200 sendmsg
    assert stored["before"] > 0
    assert stored["after"] > 0
    journal = memory.probe_journal(0)
    assert journal["kept"] == journal["limit"] == 10_000


def test_profile_samples_are_charged_to_the_innermost_layer():
    raw = [
        "run (threading.py:1);serve (fake_clickatell/server/http_server.py:7);"
        "__call__ (fake_clickatell/app/api.py:1);parse_qsl (urllib/parse.py:9) 2",
        "run (threading.py:1);serve (fake_clickatell/server/http_server.py:7);"
        "read_request (fake_clickatell/server/request_head.py:9);SocketIO.readinto (socket.py:2) 1",
        "run (threading.py:1);handle (fake_clickatell/server/http_server.py:7);"
        "__call__ (flask/app.py:1);handle (fake_clickatell/core/gateway.py:2) 5",
        "run (threading.py:1);parse_request (http/server.py:3);"
        "parse_headers (http/client.py:4);feed (email/feedparser.py:5) 2",
        "garbage line without a count",
    ]
    counts = profile.parse_raw(raw)
    assert sum(counts.values()) == 10
    shares = profile.shares(counts)
    assert shares["core"] == pytest.approx(0.5)
    assert shares["adapter"] == pytest.approx(0.2)
    assert shares["server"] == pytest.approx(0.3)
    assert shares["headers"] == pytest.approx(0.2)  # ours, and http.server's before
    assert shares["recv"] == pytest.approx(0.1)  # waiting for bytes is not parsing them
    assert profile.top_functions(counts, 1) == [("handle (fake_clickatell/core/gateway.py:2)", 0.5)]
    assert isinstance(counts, collections.Counter)


def test_a_short_in_process_run_prints_a_table(tmp_path, capsys):
    args = ["--quick", "--rounds", "1", "--only", "breakdown", "--no-wrk"]
    assert runner.main([*args, "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "== per-request breakdown" in out
    assert "core: Gateway.handle" in out
    assert "whole app (WSGI call: adapter + core)" in out
    (record,) = tmp_path.glob("run-*.json")
    saved = json.loads(record.read_text())
    core = saved["metrics"]["breakdown.core"]["samples"]
    assert len(core) == 1
    assert core[0] > 0
    assert saved["table"] in out


def test_the_breakdown_needs_socket_numbers_for_the_server_loop():
    report = Report()
    breakdown.run(report, Config.quick(rounds=1, breakdown_time=0.01))
    assert report.metrics["breakdown.server"].skipped == "no socket numbers"
    assert len(report.metrics["breakdown.flask"].samples) == 1


def test_unknown_suites_are_refused(capsys):
    assert runner.main(["--only", "nonsense"]) == 2
    assert "unknown suites: nonsense" in capsys.readouterr().out


def test_a_missing_serving_stack_is_a_skipped_row(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str):
        return None if name == "waitress" else real_find_spec(name)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    report = Report()
    load = throughput.Load("waitress/fake", 1, "keepalive")
    with Servers(Config().pinning) as servers:
        started = throughput._start_servers(report, Config.quick(), servers, [load])
    assert started == {}
    assert report.metrics[f"{load.key}.rps"].skipped == (
        "waitress not installed (pip install -e '.[bench]')"
    )


def test_without_wrk_the_gc_rows_say_skipped():
    report = Report()
    gcpause.run(report, Config.quick(wrk=None))
    assert {verdict for _, verdict in report.verdicts()} <= {"skipped"}
    assert report.metrics["gc.serve.p99"].skipped == WRK_MISSING
    assert "GC as fake-clickatell serve runs it: p99" in report.render()


def test_a_benchmark_server_refuses_an_unknown_gc_mode(capsys):
    assert serve.main(["ours", "raw", "sometimes"]) == 2
    assert "unknown GC mode 'sometimes'" in capsys.readouterr().out


def test_the_rules_suite_times_each_path_and_variant():
    report = Report()
    rules.run(report, Config.quick(rounds=1, breakdown_time=0.005))
    for path in rules.PATHS:
        for variant in rules.VARIANTS:
            (sample,) = report.metrics[f"rules.{path}.{variant}"].samples
            assert sample > 0
    assert len(report.verdicts()) == 4


def test_the_fixture_timers_measure_what_the_fixture_does():
    assert fixtures.start_fake() > 0
    assert fixtures.stop_fake() > 0
    with contextlib.ExitStack() as cleanup:
        reset = fixtures.reset_timer("local", cleanup)
        assert reset() > 0


def test_the_fixture_suite_declares_issue_7s_targets():
    report = Report()
    fixtures.declare(report)
    targets = {row.metric: row.target for row in report.rows if row.target is not None}
    assert targets[fixtures.START] == Target(10, Better.LOWER, on_ratio=False)
    assert targets[fixtures.STOP] == Target(20, Better.LOWER, on_ratio=False)
    assert targets[fixtures.RESET] == Target(100, Better.LOWER, on_ratio=False)
    assert targets[fixtures.WALL["fake"]] == Target(1.0, Better.LOWER)


def test_the_inbox_suite_fills_a_fake_and_times_each_measure(monkeypatch: pytest.MonkeyPatch):
    app = inbox.filled(150)
    held = app.test_client().get("/__admin/messages?limit=1").get_json()["page"]["total"]
    assert held == 150
    assert len(app.test_client().get("/__admin/mo").get_json()["inbound"]) == 1
    monkeypatch.setattr(inbox, "MESSAGES", 120)
    report = Report()
    inbox.run(report, Config.quick(rounds=1))
    measured = [inbox.SERVER, inbox.SERVER_EMPTY, inbox.SEARCH]
    if inbox._browser_missing() is None:
        measured += [inbox.FIRST, inbox.FIRST_EMPTY, inbox.LIVE]
    for key in measured:
        (sample,) = report.metrics[key].samples
        assert sample > 0
    assert len(report.verdicts()) == 3
