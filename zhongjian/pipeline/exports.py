"""Excel export of the vacancy board (空缺岗位), scoped and filtered like the page."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.dataio.exports import ExportColumn, ExportSpec, register_export
from zhongjian.pipeline.access import READ_ROLES
from zhongjian.pipeline.models import Vacancy
from zhongjian.pipeline.views.vacancies import vacancy_board_rows


def _days_open(vacancy: Vacancy) -> int:
    return vacancy.days_open(timezone.localdate())


def _selections(vacancy: Vacancy) -> str:
    return "、".join(str(process.get_stage_display()) for process in vacancy.post.open_processes)


register_export(
    ExportSpec(
        name="vacancies",
        title=_("空缺岗位"),
        roles=READ_ROLES,
        object_type="vacancy",
        rows=vacancy_board_rows,
        columns=(
            ExportColumn(_("单位代码"), lambda vacancy: vacancy.unit.code),
            ExportColumn(_("单位"), lambda vacancy: vacancy.unit.name),
            ExportColumn(_("岗位名称"), lambda vacancy: vacancy.post.title),
            ExportColumn(_("层级"), lambda vacancy: vacancy.post.get_tier_display()),
            ExportColumn(_("职数"), lambda vacancy: vacancy.post.headcount),
            ExportColumn(_("在任"), lambda vacancy: vacancy.holder_count),
            ExportColumn(_("空缺职数"), lambda vacancy: vacancy.vacant_seats),
            ExportColumn(_("出缺时间"), lambda vacancy: vacancy.opened_on),
            ExportColumn(_("已空缺（天）"), _days_open),
            ExportColumn(_("在办选任"), _selections),
        ),
    )
)
