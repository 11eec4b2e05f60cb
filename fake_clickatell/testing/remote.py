"""The remote backend: an already running ``fake-clickatell serve``, over its JSON admin API."""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from ..app.errors import RecordedError
from ..core.clock import ClockError
from ..core.paging import MAX_PAGE
from ..scenario import ScenarioError
from .scenarios import LoadedScenario


class RemoteBackendError(Exception):
    """A remote fake could not be reached, or answered an admin call unexpectedly."""


class RemoteBackend:
    """An already running ``fake-clickatell serve``, driven over its JSON admin API.

    Each call opens its own connection: admin calls are few, and a fresh connection is never
    a stale keep-alive one (retrying a POST on one could apply it twice). ``token`` is the
    server's admin token (needed when it listens on anything but loopback). Listings are read
    page by page to the end, so nothing is missed however much the fake holds.
    """

    def __init__(self, url: str, *, timeout: float = 10.0, token: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RemoteBackendError(f"expected an http:// or https:// URL, got {url!r}")
        self.url = url.rstrip("/")
        self.current: LoadedScenario | None = None
        self._parts = parts
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._token = token

    def _call(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, Any]:
        parts = self._parts
        factory = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        conn = factory(parts.hostname or "", parts.port, timeout=self._timeout)
        headers = {"Content-Type": content_type} if content_type else {}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            conn.request(method, self._prefix + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise RemoteBackendError(
                f"cannot reach the fake at {self.url} ({method} {path}): {error}"
            ) from None
        finally:
            conn.close()
        try:
            payload = json.loads(data) if data else None
        except ValueError:
            if response.status != 200:  # an error page: the caller reports status and text
                return response.status, data[:200].decode("utf-8", "replace")
            raise RemoteBackendError(
                f"{method} {self.url}{path} answered 200 with something other than JSON;"
                f" is {self.url} a fake-clickatell? {data[:200]!r}"
            ) from None
        return response.status, payload

    def _ok(
        self,
        method: str,
        path: str,
        json_body: object = None,
        *,
        yaml_body: str | None = None,
        errors: Mapping[int, Callable[[str], Exception]] | None = None,
    ) -> Any:
        """The JSON a 200 answer carries; another status raises ``errors[status](its error)``,
        else :class:`RemoteBackendError`."""
        if yaml_body is not None:
            status, payload = self._call(
                method, path, yaml_body.encode("utf-8"), "application/yaml"
            )
        elif json_body is not None:
            status, payload = self._call(
                method, path, json.dumps(json_body).encode(), "application/json"
            )
        else:
            status, payload = self._call(method, path)
        if status == 200:
            return payload
        detail = payload["error"] if isinstance(payload, dict) and "error" in payload else payload
        make = (errors or {}).get(status)
        if make is not None:
            raise make(str(detail))
        raise RemoteBackendError(f"{method} {self.url}{path} answered {status}: {detail}")

    def ping(self) -> None:
        """Check that the URL is a fake-clickatell answering its admin API."""
        self._ok("GET", "/__admin/clock")

    def reset(self) -> int:
        floor: int = self._ok("POST", "/__admin/reset?scenario=current")["last_push_id"]
        return floor

    def load(self, loaded: LoadedScenario) -> int:
        # Validated here first: a refusal means the remote fake is another version.
        def refused(error: str) -> ScenarioError:
            return ScenarioError(loaded.source, "", f"refused by {self.url}: {error}")

        answer = self._ok("PUT", "/__admin/scenario", yaml_body=loaded.text, errors={400: refused})
        self.current = loaded
        floor: int = answer["last_push_id"]
        return floor

    def clock(
        self, *, advance: float | None = None, set: float | None = None, freeze: bool | None = None
    ) -> dict[str, Any]:
        changes = {
            key: value
            for key, value in (("advance", advance), ("set", set), ("freeze", freeze))
            if value is not None
        }
        method = "POST" if changes else "GET"
        state: dict[str, Any] = self._ok(
            method, "/__admin/clock", changes or None, errors={400: ClockError}
        )
        return state

    def _all(self, path: str, key: str, method: str = "GET") -> list[dict[str, Any]]:
        """Every item of a listing, page after page (``MAX_PAGE`` at a time)."""
        items: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            page = self._ok(method, f"{path}?offset={offset}&limit={MAX_PAGE}")
            items.extend(page[key])
            offset = page["page"]["next_offset"]
        return items

    def messages(self) -> list[dict[str, Any]]:
        return self._all("/__admin/messages", "messages")

    def journal(self) -> dict[str, Any]:
        # By seq, not offset: the journal drops its oldest entries as new ones come in.
        first: dict[str, Any] = self._ok("GET", f"/__admin/requests?limit={MAX_PAGE}")
        requests = first["requests"]
        while first["page"]["next_offset"] is not None and requests:
            first = self._ok(
                "GET", f"/__admin/requests?after={requests[-1]['seq']}&limit={MAX_PAGE}"
            )
            if not first["requests"]:
                break
            requests.extend(first["requests"])
        return {**first, "requests": requests}

    def accounts(self) -> list[dict[str, Any]]:
        return self._all("/__admin/accounts", "accounts")

    def rules(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._ok("GET", "/__admin/rules")["rules"]
        return result

    def enable_rule(self, key: str, enabled: bool) -> None:
        def missing(error: str) -> LookupError:
            return LookupError(f"no rule named {key!r}")

        path = f"/__admin/rules/{quote(key, safe='')}"
        self._ok("POST", path, {"enabled": enabled}, errors={404: missing})

    def errors(self) -> list[RecordedError]:
        recorded = self._ok("GET", "/__admin/errors")["errors"]
        return [RecordedError.from_json(item) for item in recorded]

    def pushes(self, *, flush: bool = False) -> list[dict[str, Any]]:
        if flush:
            self._ok("POST", "/__admin/callbacks/flush?limit=1")
        return self._all("/__admin/callbacks", "pushes")

    def send_mo(self, payload: Mapping[str, str]) -> list[str]:
        ids: list[str] = self._ok("POST", "/__admin/mo", dict(payload), errors={400: ValueError})[
            "moMsgIds"
        ]
        return ids

    def close(self) -> None:
        """Leave the remote fake as it was started: its own scenario, reset (it keeps
        running)."""
        if self.current is not None:
            self._ok("POST", "/__admin/reset")
