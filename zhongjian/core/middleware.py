"""Request middleware: client IP for auditing, domain errors turned into 4xx pages."""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from zhongjian.core.context import client_ip
from zhongjian.core.errors import DomainError


def request_ip(request: HttpRequest) -> str | None:
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


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
