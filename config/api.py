"""The JSON API root (/api/v1/): authentication, error format and the apps' routers.

Every error answers `{"detail": "…", "errors": [...]}` with a 4xx status.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from zhongjian.core.errors import DomainError
from zhongjian.pipeline.api import router as pipeline_router
from zhongjian.voice.api import router as voice_router

api = NinjaAPI(
    title="中坚 Zhongjian API",
    version="1",
    description="县乡中层干部队伍建设系统的 JSON 接口。所有数据按调用者的角色和单位范围过滤。",
    urls_namespace="api",
    auth=[django_auth],
)


def _error(
    request: HttpRequest, status: int, detail: str, errors: list[Any] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message, exc.errors)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return _error(request, 422, "请求参数不正确。", errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "未登录或令牌无效。")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "对象不存在，或不在您的查看范围内。")


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return _error(request, 403, "您的角色无权执行此操作。")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc.message))


api.add_router("/pipeline/", pipeline_router)
api.add_router("/voice/", voice_router)
