"""Request middleware: client IP for auditing, domain errors turned into 4xx pages."""

import functools
import ipaddress
import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhongjian.core.context import client_ip
from zhongjian.core.errors import DomainError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def _trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def request_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is one of TRUSTED_PROXIES, the nearest
    address in X-Forwarded-For that is not a trusted proxy (read from the right, since a client
    can write anything at the left of the header)."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None or not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a forged or garbled hop: keep the proxy's own address
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class PasswordChangeRequiredMiddleware:
    """After a password reset the one-time password opens only the password page (and sign-out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password"), reverse("logout"), settings.STATIC_URL)
            if not request.path.startswith(tuple("/" + p.lstrip("/") for p in allowed)):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "请先修改一次性密码。", "errors": []},
                        status=403,
                        json_dumps_params={"ensure_ascii": False},
                    )
                return redirect("accounts:password")
        return self.get_response(request)


class DomainErrorMiddleware:
    """Render a DomainError raised by a view as a page (or JSON for API paths) with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": exception.message, "errors": exception.errors},
                status=exception.status_code,
                json_dumps_params={"ensure_ascii": False},
            )
        if request.headers.get("HX-Request"):
            response = HttpResponse(exception.message, status=exception.status_code)
            response["HX-Trigger"] = json.dumps({"zj-error": exception.message})
            return response
        return render(
            request,
            "errors/domain_error.html",
            {"message": exception.message, "errors": exception.errors},
            status=exception.status_code,
        )


class RejectNulMiddleware:
    """Refuse API input that carries a NUL character with a 400.

    PostgreSQL cannot store NUL in text, so such a value would otherwise fail deep inside a
    query as a server error. Web forms already refuse it (Django's form fields do); this covers
    the JSON API's query strings and JSON bodies. Uploaded files are not inspected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._has_nul(request):
            return JsonResponse(
                {"detail": "请求中含有不允许的控制字符（NUL）。", "errors": []},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return True
        if request.content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        return False
