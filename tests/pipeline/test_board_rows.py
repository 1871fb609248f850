"""The vacancy and bench boards' rows, built in Python (templatetags/pipeline_rows.py): each
cell, link and badge as the page shows it, nothing escaped twice, and only the links the
viewer may follow."""

import datetime
import re
from urllib.parse import quote

from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.pipeline.services.bench import bench_add
from zhongjian.pipeline.services.selection import process_start

ON = datetime.date(2024, 9, 2)


def _rows(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", table.split("<tbody>", 1)[1], flags=re.S)


def _on_bench(personas: Personas, **entry: object) -> None:
    bench_add(actor=personas.org, added_on=ON, **entry)  # type: ignore[arg-type]


def test_bench_rows_for_the_org_department(personas: Personas) -> None:
    _on_bench(personas, post=personas.post_b, cadre=personas.cadre_a, readiness="ready_now")
    query = "sort=-depth&size=20"
    page = client_for(personas.org).get(reverse("pipeline:bench") + "?" + query).text
    rows = _rows(page, "bench")
    assert "&lt;" not in "".join(rows)  # every cell is markup once, never escaped markup
    [filled] = [r for r in rows if personas.post_b.title in r]
    [empty] = [r for r in rows if personas.post_a.title in r]
    record = reverse("pipeline:cadre_record", args=[personas.cadre_a.pk])
    assert f'<a class="name" href="{record}">张伟</a>' in filled
    unit = f'<span class="muted">（{personas.unit_a.name}）</span>'
    assert f'{unit} <a class="small no-print"' in filled  # the space the template had
    assert f"?next={quote(query, safe='/')}" in filled  # back to the same filtered page
    assert re.search(r'<ul class="hints"><li class="hint-\w+">.+?</li>', filled)
    assert '<td class="num">1</td>' in filled and "增加后备人选" in filled
    assert '<span class="badge red">0</span>' in empty and '<span class="muted">—</span>' in empty


def test_bench_rows_for_a_unit_head_carry_no_links_to_records_or_changes(
    personas: Personas,
) -> None:
    _on_bench(personas, post=personas.post_a, cadre=personas.cadre_b, readiness="ready_soon")
    [row] = _rows(client_for(personas.head_a).get(reverse("pipeline:bench")).text, "bench")
    assert '<span class="name">李娜</span>' in row
    assert reverse("pipeline:cadre_record", args=[personas.cadre_b.pk]) not in row
    assert "调整" not in row and "增加后备人选" not in row


def test_vacancy_rows_show_the_selection_and_the_start_link(
    personas: Personas,
    vacant_post,  # type: ignore[no-untyped-def]
) -> None:
    org = client_for(personas.org)
    [row] = _rows(org.get(reverse("pipeline:vacancies")).text, "vacancies")
    start = reverse("pipeline:process_start", args=[vacant_post.pk])
    assert f'<a href="{start}">启动选任</a>' in row and "未启动" in row
    assert '<td class="num" data-testid="vacant-seats">1</td>' in row
    assert "<td>2024.07.01</td>" in row
    assert "&lt;" not in row
    [head_row] = _rows(
        client_for(personas.head_b).get(reverse("pipeline:vacancies")).text, "vacancies"
    )
    assert start not in head_row  # a unit head reads the board, starts nothing

    process = process_start(actor=personas.org, post=vacant_post, started_on=ON, reason="出缺")
    [row] = _rows(org.get(reverse("pipeline:vacancies")).text, "vacancies")
    assert f'<a href="{process.get_absolute_url()}">' in row and "未启动" not in row
    assert '</a> <div class="badge green">空缺已全部在选任</div>' in row  # spaced as text
    assert start not in row  # the one seat is being filled: past the headcount, none starts
