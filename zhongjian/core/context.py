"""Per-request context (client IP) that services read when they write audit rows."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
