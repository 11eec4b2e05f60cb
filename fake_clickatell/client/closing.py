"""What every client driver shares: closing its httpx client, and the context managers."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from typing_extensions import Self


class SyncClosing:
    """``close()`` and ``with``, for a driver that holds an ``httpx.Client`` as ``_http``."""

    _http: httpx.Client

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClosing:
    """``aclose()`` and ``async with``, for a driver that holds an ``httpx.AsyncClient``."""

    _http: httpx.AsyncClient

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
