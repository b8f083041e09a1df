"""Pieces of the HTTP adapter: the DTR session store, JSON and OperationOutcome answers, OpenAPI notes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import orjson
from fastapi import Request, Response

from backcover.ehr._crd import HookError

__all__ = ["ERRORS", "Sessions", "body_doc", "json_response", "outcome", "read_json"]

T = TypeVar("T")


class Sessions(Generic[T]):
    """Values by id for ``ttl`` seconds, at most ``cap`` of them (the oldest go first). Thread-safe."""

    def __init__(self, ttl: float, cap: int, now: Callable[[], float]) -> None:
        self._d: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._ttl, self._cap, self._now = ttl, cap, now
        self._lock = threading.Lock()

    def put(self, sid: str, s: T) -> None:
        with self._lock:
            self._d[sid] = (self._now() + self._ttl, s)
            while len(self._d) > self._cap:
                self._d.popitem(last=False)

    def get(self, sid: str) -> T | None:
        with self._lock:
            got = self._d.get(sid)
            if got is None or got[0] < self._now():
                self._d.pop(sid, None)
                return None
            return got[1]


_OO = {"description": "An OperationOutcome naming the problem and the fix"}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: _OO,
    401: {"description": "No JWT, or one not signed by a trusted issuer for this URL (OperationOutcome)"},
    404: _OO,
    412: {"description": "Data the service needs is neither in the prefetch nor readable (OperationOutcome)"},
}


def body_doc(what: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "description": what, "properties": props, "required": required}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def json_response(doc: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(doc), status_code=status, media_type="application/json")


def outcome(status: int, problem: str, fix: str, code: str = "invalid") -> Response:
    return json_response(HookError(status, problem, fix, code).outcome(), status)


async def read_json(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise HookError(400, "the body is not JSON", "send application/json") from None
