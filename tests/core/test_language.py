"""The interface is Chinese whatever language the browser asks for."""

import datetime

import pytest
from django.template import Context, Template
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "de-DE", "zh-CN,zh;q=0.9"])
def test_every_browser_language_gets_chinese(accept: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get("/login/")
    assert '<html lang="zh-hans"' in response.content.decode()
    assert response.headers["Content-Language"] == "zh-hans"
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    # So dates render the Chinese way (an English browser used to get "Jan. 1, 2025").
    rendered = Template("{{ day }}").render(Context({"day": datetime.date(2025, 1, 1)}))
    assert rendered == "2025年1月1日"
