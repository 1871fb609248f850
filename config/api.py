"""The JSON API root (/api/v1/): authentication, error format and the apps' routers.

A caller authenticates with a personal API token (`Authorization: Bearer zj_…`, made on the page
我的账号 / API 令牌) or, from the browser, with the session. Every error answers
`{"detail": "…", "errors": [...]}` with a 4xx status.
"""

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import _csrf_needed
from ninja.security import HttpBearer, django_auth

from zhongjian.accounts.services import token_authenticate
from zhongjian.care.api import router as care_router
from zhongjian.core.api import ERRORS, ErrorOut
from zhongjian.core.errors import DomainError
from zhongjian.dataio.api import router as dataio_router
from zhongjian.insight.api import router as insight_router
from zhongjian.org.api import router as org_router
from zhongjian.pipeline.api import router as pipeline_router
from zhongjian.projection.api import router as projection_router
from zhongjian.voice.api import router as voice_router
from zhongjian.workload.api import router as workload_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <personal API token>`.

    A revoked or unknown token is a 401 even beside a valid session: a program that sends a
    token must learn that the token is no good.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(raw=token)
        if user is None:
            raise AuthenticationError
        request.user = user
        return user


class LocalSwagger(Swagger):
    """Swagger UI from ninja's own template and static files, which the settings list as
    directories (ninja is not an installed app, see NINJA_DIR): ninja itself would fall back to
    a page that loads Swagger UI from a CDN, which the CSP refuses."""

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)


class ZhongjianAPI(NinjaAPI):
    """NinjaAPI whose schema documents the common error answers on every operation.

    Every operation may answer 400/401/403/404/422 with `ErrorOut` through the handlers below;
    documenting that once here keeps routers from repeating it (or forgetting it). Routers list
    only their success answers. An operation's id is its handler's name, which is the name of the
    service or selector it calls (`cadre_create`, `process_start`).
    """

    def get_openapi_operation_id(self, operation: Any) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        error = {
            "description": "错误",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # One key per status: Ninja keys answers by number, JSON (and YAML) by text, and
                # the two spellings of one status are a "duplicated mapping key" to Swagger UI.
                responses = {
                    str(code): answer for code, answer in operation.get("responses", {}).items()
                }
                operation["responses"] = responses
                for code in ERRORS:
                    responses.setdefault(str(code), error)
        return schema


api = ZhongjianAPI(
    title="中坚 Zhongjian API",
    version="1",
    description=(
        "县乡中层干部队伍建设系统的 JSON 接口。所有数据按调用者的角色和单位范围过滤。"
        "认证：请求头 `Authorization: Bearer <个人 API 令牌>`（在“我的账号 / API 令牌”页面生成）。"
        '错误一律返回 `{"detail": 说明, "errors": [...]}`。'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    # Swagger UI from ninja's own static files, and no call to the public validator badge: the
    # docs page reaches no outside address.
    docs=LocalSwagger(settings={"validatorUrl": None}),
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


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # A value the schema let through but the database cannot hold (a number out of a column's
    # range): the caller's input, so a 400, never a 500.
    return _error(request, 400, "请求中有数据库无法保存的值（如超出范围的数字）。")


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
api.add_router("/care/", care_router)
api.add_router("/projection/", projection_router)
api.add_router("/insight/", insight_router)
api.add_router("/", org_router)
api.add_router("/", dataio_router)
api.add_router("/", workload_router)
