"""The handle a test gets: one fake as a test sees it (where, what was sent, its clock)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ..app.errors import RecordedError
from ..core.accounts import open_key
from ..core.endpoints import SENDING_COMMANDS
from ..core.journal import JournalEntry
from ..core.scenario_model import Scenario
from .backend import Backend
from .local import CLICKATELL_URL
from .records import AccountState, PushRecord, RuleState, SentMessage, journal_entry
from .reports import (
    MESSAGE_FIELDS,
    FakeServerError,
    Matcher,
    criteria_text,
    describe_request,
    listing,
    matches,
    plural,
)
from .scenarios import DEFAULT_LOADED, LoadedScenario, ScenarioLike, read_scenario

#: Credentials the handle offers in open mode (any credentials work; these are the docs' ones).
DEFAULT_CREDENTIALS = ("3442105", "demo", "secret")
#: The REST token the handle offers in open mode (any token works; this is the docs' sample).
DEFAULT_REST_TOKEN = "4ZnXsl.LcQrDl4ZHWBt6_J1KLqNZVV7Tfg9KK25nd1EYaQ7SPP2mmLkODKhzJ1S"
#: The Platform and One API keys it offers in open mode (samples of Clickatell's own).
DEFAULT_API_KEYS = {"platform": "7A620z5FTKab_CeziIuZhg==", "one": "TLKC2f0xRriDorZdvcx05A=="}
#: Where the Platform and the One API live when apps call Clickatell's own hosts.
PLATFORM_URL = "https://platform.clickatell.com"

#: How a journaled send shows that it refused something, by API (the reply's own bytes).
_REFUSED: Mapping[str, Callable[[JournalEntry], bool]] = {
    "http": lambda entry: not all(line.startswith("ID: ") for line in entry.body.split("\n")),
    "rest": lambda entry: entry.status != 202,
    "platform": lambda entry: entry.status != 202 or '"accepted":false' in entry.body,
    "one": lambda entry: entry.status != 202,
}

#: Seconds between two looks at the fake while :meth:`FakeClickatell.wait_for_messages` waits.
POLL_INTERVAL = 0.005


class Clock:
    """The fake's virtual clock: everything time-dependent (sessions, statuses) reads it."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    @property
    def now(self) -> float:
        """The virtual time, unix seconds."""
        now: float = self._backend.clock()["now"]
        return now

    @property
    def datetime(self) -> dt.datetime:
        """The virtual time as an aware UTC datetime."""
        return dt.datetime.fromtimestamp(self.now, dt.timezone.utc)

    @property
    def frozen(self) -> bool:
        """True while the clock moves only when told to."""
        frozen: bool = self._backend.clock()["frozen"]
        return frozen

    def advance(self, seconds: float | dt.timedelta) -> float:
        """Move forward; whatever became due on the way happens at its own time. The new time."""
        if isinstance(seconds, dt.timedelta):
            seconds = seconds.total_seconds()
        now: float = self._backend.clock(advance=seconds)["now"]
        return now

    def set(self, when: float | dt.datetime) -> float:
        """Jump to ``when`` (unix seconds, or a datetime; naive means UTC). The new time."""
        if isinstance(when, dt.datetime):
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            when = when.timestamp()
        now: float = self._backend.clock(set=when)["now"]
        return now

    def freeze(self) -> float:
        """Stop the clock where it stands; it then moves only by :meth:`advance` and :meth:`set`."""
        now: float = self._backend.clock(freeze=True)["now"]
        return now

    def unfreeze(self) -> float:
        """Let the clock follow the wall clock again, from where it stands."""
        now: float = self._backend.clock(freeze=False)["now"]
        return now

    def __repr__(self) -> str:
        state = self._backend.clock()
        return f"<Clock now={state['now']!r} frozen={state['frozen']!r}>"


class FakeClickatell:
    """One fake Clickatell as a test sees it: where it is, what was sent, and its clock.

    The ``clickatell`` fixture gives one, reset to its scenario for each test. Outside pytest,
    build one on a backend: ``FakeClickatell(LocalBackend.start())``.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        search: Sequence[Path] = (),
        scenario: LoadedScenario | None = None,
    ) -> None:
        self._backend = backend
        self._search = tuple(search)
        self._errors_seen = 0
        self._pending: list[RecordedError] = []
        self.clock = Clock(backend)
        """The virtual clock: ``advance(seconds)``, ``set(when)``, ``freeze()``, ``unfreeze()``."""
        # A fresh start: the scenario's initial state, without reloading what is loaded already.
        loaded = scenario or backend.current or DEFAULT_LOADED
        if backend.current is loaded:
            self._push_floor = backend.reset()
        else:
            self._push_floor = backend.load(loaded)
        self._loaded = loaded

    # -- where, and as whom --------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """The backend this handle drives (:class:`LocalBackend`, :class:`InProcessBackend` or
        :class:`RemoteBackend`)."""
        return self._backend

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:40123``: what an app calls Clickatell's URL
        (in intercept mode, Clickatell's own: ``https://api.clickatell.com``)."""
        return self._backend.url

    @property
    def api_url(self) -> str:
        """The legacy HTTP API's URL: ``url + "/http"`` (commands are ``api_url + "/sendmsg"``)."""
        return self._backend.url + "/http"

    @property
    def rest_url(self) -> str:
        """The legacy REST API's URL: ``url + "/rest"`` (``rest_url + "/message"``, ...)."""
        return self._backend.url + "/rest"

    @property
    def rest_token(self) -> str:
        """A REST bearer token: the first the scenario's accounts list, else (open mode, where
        any token works) the documentation's sample. ``LookupError`` when the scenario declares
        accounts but no token."""
        accounts = self._loaded.scenario.accounts
        if not accounts:
            return DEFAULT_REST_TOKEN
        for account in accounts:
            for credential in account.credentials:
                if credential.api == "rest":
                    return credential.key
        raise LookupError("the scenario's accounts list no rest_tokens")

    @property
    def platform_url(self) -> str:
        """Where the Platform and the One API live: :attr:`url` (in intercept mode,
        ``https://platform.clickatell.com``). Paths: ``/messages``, ``/v1/message``, ..."""
        url = self._backend.url
        return PLATFORM_URL if url == CLICKATELL_URL else url

    @property
    def platform_key(self) -> str:
        """A Platform integration's API key: the first the scenario's accounts list, else (open
        mode, where any key works) a sample. ``LookupError`` when the accounts list none."""
        return self._api_key("platform")

    @property
    def one_api_key(self) -> str:
        """A One API integration's API key, as :attr:`platform_key` is the Platform's."""
        return self._api_key("one")

    def _api_key(self, api: str) -> str:
        accounts = self._loaded.scenario.accounts
        if not accounts:
            return DEFAULT_API_KEYS[api]
        for account in accounts:
            for integration in account.integrations:
                if integration.api == api:
                    return integration.api_key
        raise LookupError(f"the scenario's accounts list no {api} integration")

    @property
    def scenario(self) -> Scenario:
        """The scenario the fake runs now."""
        return self._loaded.scenario

    @property
    def api_id(self) -> str:
        """The default account's api_id: the scenario's first account, else ``"3442105"``."""
        return self._credentials[0]

    @property
    def user(self) -> str:
        """The default account's user: the scenario's first account, else ``"demo"``."""
        return self._credentials[1]

    @property
    def password(self) -> str:
        """The default account's password: the scenario's first account, else ``"secret"``."""
        return self._credentials[2]

    @property
    def credentials(self) -> dict[str, str]:
        """``{"api_id": ..., "user": ..., "password": ...}``, ready to send as parameters."""
        return dict(zip(("api_id", "user", "password"), self._credentials, strict=True))

    @property
    def _credentials(self) -> tuple[str, str, str]:
        accounts = self._loaded.scenario.accounts
        if accounts:
            return accounts[0].api_id, accounts[0].user, accounts[0].password
        return DEFAULT_CREDENTIALS

    # -- state -----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the scenario's initial state: accounts, clock, ids; no sessions or messages."""
        self._collect_errors()
        self._push_floor = self._backend.reset()
        self._errors_seen = 0

    def load_scenario(self, source: ScenarioLike) -> Scenario:
        """Replace the scenario (a file path, or a dict shaped like the YAML) and reset.

        A relative path is looked up next to the test file, then in the rootdir, then in the
        working directory. The default credentials become the scenario's first account.
        """
        loaded = read_scenario(source, self._search)
        self._collect_errors()
        self._push_floor = self._backend.load(loaded)
        self._loaded = loaded
        self._errors_seen = 0
        return loaded.scenario

    @property
    def messages(self) -> list[SentMessage]:
        """Every message the fake accepted, oldest first (one per recipient)."""
        return [SentMessage.from_json(item) for item in self._backend.messages()]

    @property
    def requests(self) -> list[JournalEntry]:
        """The request journal: every API request and its reply, oldest first, passwords masked."""
        return [journal_entry(item) for item in self._backend.journal()["requests"]]

    @property
    def accounts(self) -> list[AccountState]:
        """Every account: the scenario's, then those made on first use in open mode."""
        return [AccountState.from_json(item) for item in self._backend.accounts()]

    @property
    def rules(self) -> list[RuleState]:
        """The scenario's rules with their counters (how often each matched and fired)."""
        return [RuleState.from_json(item) for item in self._backend.rules()]

    def rule(self, name: str) -> RuleState:
        """The rule called ``name`` (``LookupError`` listing the names if there is none)."""
        rules = self.rules
        for state in rules:
            if state.name == name:
                return state
        names = ", ".join(repr(state.name) for state in rules) or "none"
        raise LookupError(f"no rule named {name!r}; the scenario's rules: {names}")

    def enable_rule(self, name: str) -> None:
        """Switch a rule back on (rules start enabled)."""
        self._backend.enable_rule(name, True)

    def disable_rule(self, name: str) -> None:
        """Switch a rule off: it neither counts nor fires until enabled again."""
        self._backend.enable_rule(name, False)

    def balance(
        self,
        api_id: str | None = None,
        user: str | None = None,
        *,
        token: str | None = None,
        api_key: str | None = None,
    ) -> Decimal:
        """The credit left on an account (default: the default account), or on the account a
        REST ``token`` or a Platform or One API ``api_key`` opens."""
        key = (api_id or self.api_id, user or self.user)
        if token is not None:
            key = self._account_of_token(token)
        elif api_key is not None:
            key = self._account_of_key(api_key)
        for account in self.accounts:
            if (account.api_id, account.user) == key:
                return account.balance
        raise LookupError(f"no account api_id={key[0]!r} user={key[1]!r} (yet)")

    def _account_of_token(self, token: str) -> tuple[str, str]:
        accounts = self._loaded.scenario.accounts
        for account in accounts:
            if any(c.api == "rest" and c.key == token for c in account.credentials):
                return account.api_id, account.user
        if accounts:
            raise LookupError("no account of the scenario lists this token")
        return open_key("rest", token)

    def _account_of_key(self, api_key: str) -> tuple[str, str]:
        accounts = self._loaded.scenario.accounts
        for account in accounts:
            if any(item.api_key == api_key for item in account.integrations):
                return account.api_id, account.user
        if accounts:
            raise LookupError("no account of the scenario has an integration with this key")
        made = {(state.api_id, state.user) for state in self.accounts}
        for api in DEFAULT_API_KEYS:  # open mode: the account the key made on first use
            if open_key(api, api_key) in made:
                return open_key(api, api_key)
        return open_key("platform", api_key)

    # -- callbacks and inbound messages ------------------------------------------------------

    def pushes(self, *, flush: bool = True) -> list[PushRecord]:
        """Every status callback and MO push, oldest first, with its attempts.

        With ``flush`` (the default), pushes that are due now are sent first and this waits
        for them, so a test sees the result of every push the clock has made due. Pushes from
        before the last reset (an earlier test's, dropped undelivered) are left out; the admin
        API (``GET /__admin/callbacks``) still lists them as ``dropped``.
        """
        return [
            PushRecord.from_json(item)
            for item in self._backend.pushes(flush=flush)
            if item["id"] > self._push_floor
        ]

    def send_mo(
        self,
        text: str,
        *,
        sender: str,
        to: str,
        api_id: str | None = None,
        user: str | None = None,
        network: str | None = None,
    ) -> list[str]:
        """Inject an inbound SMS from handset ``sender`` to the account number ``to``.

        It is pushed to the account's MO URL (a long text as several parts), or to the reply
        URL of the integration whose number ``to`` is (with ``network``, the handset network's
        id those callbacks carry); a STOP opts the sender out. Returns the parts' moMsgIds.
        The account is the one owning ``to``; in open mode (no accounts declared) it is the
        default account unless ``api_id``/``user`` say.
        """
        if api_id is None and not self.scenario.accounts:
            api_id, user = self.api_id, user or self.user
        payload = {"to": to, "from": sender, "text": text}
        if api_id is not None:
            payload["api_id"] = api_id
        if user is not None:
            payload["user"] = user
        if network is not None:
            payload["network"] = network
        return self._backend.send_mo(payload)

    # -- assertions ------------------------------------------------------------------------------

    def find_messages(self, **criteria: Matcher) -> list[SentMessage]:
        """The messages whose fields match: ``to="27999000001"``, ``text=re.compile("code")``.

        Fields: to, text, sender (the ``from``), climsgid, api_id, user, status, apimsgid. A
        string must be equal; a compiled pattern must be found in the field (``re.search``).
        """
        self._check_fields(criteria)
        return [message for message in self.messages if self._match(message, criteria)]

    def assert_sent(self, *, count: int | None = None, **criteria: Matcher) -> SentMessage:
        """Assert a message matching ``criteria`` was sent (exactly ``count`` of them, if given).

        Returns the first match. The failure message lists what was sent instead, and the
        sendmsg requests the fake refused.
        """
        __tracebackhide__ = True
        self._check_fields(criteria)
        messages = self.messages
        found = [message for message in messages if self._match(message, criteria)]
        if found and (count is None or len(found) == count):
            return found[0]
        wanted = criteria_text(criteria) or "(any)"
        if count is None:
            head = f"no message matches {wanted}"
        else:
            head = f"expected {plural(count, 'message')} matching {wanted}, found {len(found)}"
        raise AssertionError(self._report(head, messages))

    def assert_not_sent(self, **criteria: Matcher) -> None:
        """Assert no message matches ``criteria`` (with none given: nothing was sent at all)."""
        __tracebackhide__ = True
        self._check_fields(criteria)
        messages = self.messages
        found = [message for message in messages if self._match(message, criteria)]
        if found:
            wanted = criteria_text(criteria) or "(any)"
            raise AssertionError(
                self._report(
                    f"{plural(len(found), 'message')} matching {wanted}, expected none", messages
                )
            )

    def assert_requested(
        self, command: str, *, count: int | None = None, **params: Matcher
    ) -> JournalEntry:
        """Assert the API was called with ``command`` (and these parameter values, if given).

        ``count`` asserts the exact number of such calls. Returns the first. Passwords are
        masked in the journal, so match on them only as ``"********"``.
        """
        __tracebackhide__ = True
        requests = self.requests
        found = [
            entry
            for entry in requests
            if entry.command == command
            and all(matches(entry.params.get(name), value) for name, value in params.items())
        ]
        if found and (count is None or len(found) == count):
            return found[0]
        wanted = criteria_text({"command": command, **params})
        if count is None:
            head = f"no request matches {wanted}"
        else:
            head = f"expected {plural(count, 'request')} matching {wanted}, found {len(found)}"
        lines = [head]
        if requests:
            lines.append(f"{plural(len(requests), 'request')} reached the fake:")
            lines.extend(listing([describe_request(entry) for entry in requests], "requests"))
        else:
            lines.append(f"no request reached the fake at {self.url}")
        lines.extend(self._unchecked_errors_note())
        raise AssertionError("\n".join(lines))

    def wait_for_messages(self, count: int, *, timeout: float = 5.0) -> list[SentMessage]:
        """Wait (real time) until at least ``count`` messages were accepted; all of them.

        For apps that send from background threads. It polls every few milliseconds and fails
        after ``timeout`` seconds, listing what was sent.
        """
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages
            if len(messages) >= count:
                return messages
            if time.monotonic() >= deadline:
                head = f"waited {timeout} s for {plural(count, 'message')}, {len(messages)} sent"
                raise AssertionError(self._report(head, messages))
            time.sleep(POLL_INTERVAL)

    # -- server-side errors ----------------------------------------------------------------------

    @property
    def errors(self) -> list[RecordedError]:
        """Exceptions the fake raised while handling requests since this test's last reset."""
        return self._backend.errors()

    def check(self) -> None:
        """Raise :class:`FakeServerError` for exceptions the fake raised since the last check.

        The fixture calls it at teardown, so the test whose request broke the fake fails.
        """
        __tracebackhide__ = True
        self._collect_errors()
        new, self._pending = self._pending, []
        if new:
            raise FakeServerError(new) from new[0].exception

    def _collect_errors(self) -> None:
        """Move errors not yet seen into ``_pending`` (before a reset or load drops them)."""
        recorded = self._backend.errors()
        self._pending.extend(recorded[self._errors_seen :])
        self._errors_seen = len(recorded)

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _check_fields(criteria: Mapping[str, Matcher]) -> None:
        unknown = sorted(set(criteria) - set(MESSAGE_FIELDS))
        if unknown:
            known = ", ".join(MESSAGE_FIELDS)
            raise TypeError(f"unknown message field(s) {', '.join(unknown)}; expected {known}")

    @staticmethod
    def _match(message: SentMessage, criteria: Mapping[str, Matcher]) -> bool:
        return all(matches(getattr(message, name), value) for name, value in criteria.items())

    def _report(self, head: str, messages: Sequence[SentMessage]) -> str:
        lines = [head]
        if messages:
            lines.append(f"sent: {plural(len(messages), 'message')}")
            lines.extend(listing([message.describe() for message in messages], "messages"))
        else:
            lines.append("no message was sent")
        requests = self.requests
        refused = [  # any recipient refused, or no reply in the API's own form at all
            entry
            for entry in requests
            if entry.command in SENDING_COMMANDS
            and _REFUSED.get(entry.api, _REFUSED["http"])(entry)
        ]
        if refused:
            lines.append(f"refused: {plural(len(refused), 'sending request')}")
            lines.extend(listing([describe_request(entry) for entry in refused], "requests"))
        astray = [entry for entry in requests if not entry.command and entry.status == 404]
        if astray:
            lines.append(f"outside the API: {plural(len(astray), 'request')} (wrong base URL?)")
            lines.extend(listing([describe_request(entry) for entry in astray], "requests"))
        lines.extend(self._unchecked_errors_note())
        return "\n".join(lines)

    def _unchecked_errors_note(self) -> list[str]:
        errors = self._pending + self._backend.errors()[self._errors_seen :]
        if not errors:
            return []
        note = [f"the fake also raised {plural(len(errors), 'exception')} (re-raised at teardown):"]
        note.extend(f"  {error.request_line()}: {error.error}" for error in errors)
        return note

    def __repr__(self) -> str:
        return f"<FakeClickatell {self.url} scenario={self._loaded.source!r}>"
