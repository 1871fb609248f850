"""List pages (名册、列表): one mechanism for search, filters, sortable columns and numbered pages.

A list page declares a `ListSpec` once; the page and its Excel export both read the query
parameters through it, so the export follows the filters the clerk sees:

    CADRE_LIST = ListSpec(
        columns=(Column(_("姓名"), sort=("name",)), …),
        filters=(ListFilter("gender", _("性别"), Gender.choices, lambda qs, v, day: …), …),
        search=lambda qs, text: qs.filter(name__contains=text),
    )
    listing = CADRE_LIST.page(request, queryset, today=today)   # the page
    CADRE_LIST.rows(queryset, params, today=today)              # the export

Parameters that do not name a known choice are ignored, never an error: a list is a read.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

Choices = Sequence[tuple[str, Any]]
MAX_SEARCH = 32
ALL = _("全部")
SEARCH = _("搜索")


@dataclass(frozen=True)
class ListFilter:
    """A select-list filter: NAME in the URL, CHOICES (or a function of the user giving them),
    APPLY(queryset, value, today) narrowing the rows. DEFAULT applies when the URL has no NAME;
    the empty value means “all”."""

    name: str
    label: str | Promise
    choices: Choices | Callable[[Any], Choices]
    apply: Callable[[QuerySet, str, datetime.date], QuerySet]
    default: str = ""
    all_label: str | Promise = ALL


@dataclass(frozen=True)
class Column:
    """A column header; SORT are the order_by terms of the ascending order (none: not sortable)."""

    label: str | Promise
    name: str = ""
    sort: tuple[Any, ...] = ()
    css: str = ""


@dataclass
class BoundFilter:
    name: str
    label: str
    choices: list[tuple[str, str]]
    value: str
    all_label: str

    def options(self) -> SafeString:
        """The select list's options, “all” first and the current value selected: built here
        rather than in the template, where a county's hundred units cost a lookup per cell."""
        return format_html(
            '<option value="">{}</option>{}',
            self.all_label,
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if v == self.value else "", label) for v, label in self.choices),
            ),
        )


@dataclass
class ListPage:
    """What the list templates (`lists/_controls.html`, `_head.html`, `_pager.html`) need."""

    page: Page
    search: str
    search_label: str
    filters: list[BoundFilter]
    active: list[dict[str, str]]
    head: list[dict[str, Any]]
    page_links: list[dict[str, Any]]
    page_size: int
    page_sizes: tuple[int, ...]
    sort: str
    query: str
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListSpec:
    columns: tuple[Column, ...]
    filters: tuple[ListFilter, ...] = ()
    search: Callable[[QuerySet, str], QuerySet] | None = None
    search_label: str | Promise = SEARCH
    default_sort: str = ""
    # Appended to every order so that pages never repeat or skip a row.
    tiebreak: tuple[str, ...] = ("pk",)
    page_sizes: tuple[int, ...] = (20, 50, 100)
    default_page_size: int = 50

    def _choices(self, flt: ListFilter, user: Any) -> list[tuple[str, str]]:
        choices = flt.choices(user) if callable(flt.choices) else flt.choices
        return [(str(value), str(label)) for value, label in choices]

    def state(self, params: Mapping[str, str], *, user: Any) -> dict[str, Any]:
        """The known parameters of PARAMS, each checked: filter values among their choices,
        the search text cut to its length, the sort among the sortable columns."""
        values: dict[str, str] = {}
        bound: list[BoundFilter] = []
        for flt in self.filters:
            choices = self._choices(flt, user)
            raw = params.get(flt.name)
            value = flt.default if raw is None else raw
            if value not in {c[0] for c in choices}:
                value = ""
            values[flt.name] = value
            bound.append(BoundFilter(flt.name, str(flt.label), choices, value, str(flt.all_label)))
        sortable = {c.name for c in self.columns if c.sort}
        sort = params.get("sort", "")
        if sort.removeprefix("-") not in sortable:
            sort = self.default_sort
        size_text = params.get("size", "")
        size = int(size_text) if size_text.isdigit() else self.default_page_size
        if size not in self.page_sizes:
            size = self.default_page_size
        return {
            "q": params.get("q", "").strip()[:MAX_SEARCH] if self.search else "",
            "filters": values,
            "bound": bound,
            "sort": sort,
            "size": size,
        }

    def apply(self, queryset: QuerySet, state: dict[str, Any], *, today: datetime.date) -> QuerySet:
        for flt in self.filters:
            value = state["filters"][flt.name]
            if value:
                queryset = flt.apply(queryset, value, today)
        if state["q"] and self.search is not None:
            queryset = self.search(queryset, state["q"])
        sort = state["sort"]
        if not sort:
            return queryset.order_by(*self.tiebreak)
        column = next(c for c in self.columns if c.name == sort.removeprefix("-"))
        terms = [_directed(term, descending=sort.startswith("-")) for term in column.sort]
        return queryset.order_by(*terms, *self.tiebreak)

    def rows(
        self, queryset: QuerySet, params: Mapping[str, str], *, user: Any, today: datetime.date
    ) -> QuerySet:
        """Every row the page would list for PARAMS, in its order (for the Excel export)."""
        return self.apply(queryset, self.state(params, user=user), today=today)

    def page(self, request: HttpRequest, queryset: QuerySet, *, today: datetime.date) -> ListPage:
        state = self.state(request.GET, user=request.user)
        rows = self.apply(queryset, state, today=today)
        page = Paginator(rows, state["size"]).get_page(request.GET.get("page"))
        return ListPage(
            page=page,
            search=state["q"],
            search_label=str(self.search_label) if self.search else "",
            filters=state["bound"],
            active=self._active(state),
            head=self._head(state),
            page_links=self._page_links(state, page),
            page_size=state["size"],
            page_sizes=self.page_sizes,
            sort=state["sort"],
            query=self._url(state),
            hidden={
                key: value
                for key, value in (("sort", state["sort"]), ("size", str(state["size"])))
                if value and value not in (self.default_sort, str(self.default_page_size))
            },
        )

    def _url(self, state: dict[str, Any], **changes: Any) -> str:
        """The query string of STATE with CHANGES; defaults are left out to keep URLs short."""
        merged = {
            "q": state["q"],
            **state["filters"],
            "sort": state["sort"],
            "size": state["size"],
        } | changes
        query = QueryDict(mutable=True)
        defaults = {flt.name: flt.default for flt in self.filters}
        defaults |= {"q": "", "sort": self.default_sort, "size": self.default_page_size}
        for key, value in merged.items():
            if key == "page":
                if value and value != 1:
                    query[key] = str(value)
            elif value != defaults.get(key, ""):
                query[key] = str(value)
        return query.urlencode()

    def _active(self, state: dict[str, Any]) -> list[dict[str, str]]:
        active = []
        if state["q"]:
            active.append(
                {
                    "label": str(self.search_label),
                    "value": state["q"],
                    "url": self._url(state, q=""),
                }
            )
        for bound in state["bound"]:
            if bound.value:
                label = dict(bound.choices)[bound.value]
                remove = self._url(state, **{bound.name: ""})
                active.append({"label": bound.label, "value": label, "url": remove})
        return active

    def _head(self, state: dict[str, Any]) -> list[dict[str, Any]]:
        head = []
        current = state["sort"].removeprefix("-")
        descending = state["sort"].startswith("-")
        for column in self.columns:
            cell: dict[str, Any] = {"label": str(column.label), "css": column.css}
            if column.sort:
                is_current = column.name == current
                cell["direction"] = ("desc" if descending else "asc") if is_current else ""
                target = f"-{column.name}" if is_current and not descending else column.name
                cell["url"] = self._url(state, sort=target)
            head.append(cell)
        return head

    def _page_links(self, state: dict[str, Any], page: Page) -> list[dict[str, Any]]:
        numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return [
            {"number": n, "url": self._url(state, page=n), "current": n == page.number}
            if isinstance(n, int)
            else {"number": None}
            for n in numbers
        ]


def _directed(term: Any, *, descending: bool) -> Any:
    """TERM in the asked direction: a field name flips its '-' sign, an expression its order."""
    if isinstance(term, str):
        if descending:
            return term[1:] if term.startswith("-") else f"-{term}"
        return term
    return term.desc(nulls_last=True) if descending else term.asc(nulls_last=True)


def flag_choice(label: str | Promise) -> Choices:
    """The choices of an on/off filter shown as a select list: “全部” or LABEL."""
    return [("1", label)]
