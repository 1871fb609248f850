"""`{% id_url "app:route" pk %}`: `{% url %}` for a route whose one argument is an id, resolved
once per route rather than once per row (zhongjian.core.urls_fast)."""

from django import template

from zhongjian.core.urls_fast import id_url as _id_url

register = template.Library()


@register.simple_tag
def id_url(name: str, pk: object) -> str:
    return _id_url(name, pk)
