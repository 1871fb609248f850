"""Request middleware: client IP for auditing, domain errors turned into 4xx pages."""

import functools
import ipaddress
import json
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
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


def _json_error(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": []}, status=status, json_dumps_params={"ensure_ascii": False}
    )


# A \uD800–\uDFFF escape in JSON: only a high one followed by a low one is a character.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


class RejectNulMiddleware:
    """Refuse API input that cannot be stored with a JSON 400: a NUL character, a lone UTF-16
    surrogate ("\\ud800"), or a body over the upload limit.

    PostgreSQL cannot store NUL in text, SQLite cannot encode a lone surrogate, so such a value
    would otherwise fail deep inside a query as a server error; a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE would get Django's HTML 400. Web forms already refuse NUL
    (Django's form fields do); this covers the API's query strings and bodies of every content
    type but multipart uploads, whose files are not inspected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and (refused := self._refusal(request)):
            return refused
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> JsonResponse | None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        too_big = _json_error(
            f"请求内容过大（超过 {limit // (1024 * 1024)} MB）。" if limit else "请求内容过大。"
        )
        if limit is not None and declared > limit:
            return too_big
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            return _json_error("请求中含有不允许的控制字符（NUL）。")
        if request.content_type == "multipart/form-data":
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return too_big
        form = request.content_type == "application/x-www-form-urlencoded"
        if b"\x00" in body or b"\\u0000" in body or (form and b"%00" in body):
            return _json_error("请求中含有不允许的控制字符（NUL）。")
        if request.content_type == "application/json" and _SURROGATE_ESCAPE.search(body):
            try:
                parsed = json.loads(body)
            except ValueError:
                return None  # the API answers malformed JSON itself
            if _has_lone_surrogate(parsed):
                return _json_error("请求中含有无效的字符（不成对的 UTF-16 代理项）。")
        return None


# Content-Security-Policy of every page: scripts and styles from the app itself only (the vendored
# htmx and ECharts, Swagger UI of the API docs); style attributes are allowed for the inline
# styles ECharts and a few templates set. The one inline handler (打印 on the slips page) is allowed
# by its hash. No frames, no plug-ins, no form posts elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-hashes' 'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "display-capture",
        "interest-cohort",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; `Cache-Control:
    no-store` on every response to a signed-in user and every API answer, since nearly every
    such page shows personal data and none should stay in a browser's or proxy's cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or getattr(user, "is_authenticated", False):
            response["Cache-Control"] = "no-store"
        return response
