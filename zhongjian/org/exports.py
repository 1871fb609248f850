"""Excel exports of the registry lists; their headers are the import templates' own, so that an
exported file can be corrected and imported again."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import REGISTRY_ROLES
from zhongjian.dataio.exports import ExportColumn, ExportSpec, register_export
from zhongjian.org.lists import CADRE_LIST, posts_text, roster_rows
from zhongjian.org.models import Appointment, Cadre, Post, Unit
from zhongjian.org.selectors import appointment_list, cadre_list, post_list, unit_list
from zhongjian.org.views import unit_id_param


def _posts(user: Any, params: Mapping[str, str]) -> Any:
    unit_id = unit_id_param(params)
    posts = post_list(user=user).order_by("unit__code", "tier", "title")
    return posts if unit_id is None else posts.filter(unit_id=unit_id)


def _appointments(user: Any, params: Mapping[str, str]) -> Any:
    return appointment_list(user=user, unit_id=unit_id_param(params)).order_by(
        "unit__code", "post__title", "start_date"
    )


def _cadres(user: Any, params: Mapping[str, str]) -> Any:
    """The roster's rows for the page's query parameters: the export follows its filters."""
    cadres = roster_rows(cadre_list(user=user, status=None))
    return CADRE_LIST.rows(cadres, params, user=user, today=timezone.localdate())


register_export(
    ExportSpec(
        name="units",
        title=_("单位"),
        roles=REGISTRY_ROLES,
        object_type="unit",
        rows=lambda user, params: unit_list(user=user).select_related("parent"),
        columns=(
            ExportColumn(_("单位代码"), lambda unit: unit.code),
            ExportColumn(_("单位名称"), lambda unit: unit.name),
            ExportColumn(_("单位类型"), Unit.get_kind_display),
            ExportColumn(_("上级单位代码"), lambda unit: unit.parent.code if unit.parent else None),
            ExportColumn(_("上级单位"), lambda unit: unit.parent.name if unit.parent else None),
            ExportColumn(_("有效"), lambda unit: unit.is_active),
        ),
    )
)

register_export(
    ExportSpec(
        name="posts",
        title=_("岗位"),
        roles=REGISTRY_ROLES,
        object_type="post",
        rows=_posts,
        columns=(
            ExportColumn(_("单位代码"), lambda post: post.unit.code),
            ExportColumn(_("单位"), lambda post: post.unit.name),
            ExportColumn(_("岗位名称"), lambda post: post.title),
            ExportColumn(_("层级"), Post.get_tier_display),
            ExportColumn(_("是否领导职务"), lambda post: post.is_leadership),
            ExportColumn(_("编制要求"), Post.get_required_establishment_display),
            ExportColumn(_("职数"), lambda post: post.headcount),
            ExportColumn(_("在任人数"), lambda post: post.holder_count),
        ),
    )
)

register_export(
    ExportSpec(
        name="cadres",
        title=_("干部名册"),
        roles=REGISTRY_ROLES,
        object_type="cadre",
        rows=_cadres,
        columns=(
            ExportColumn(_("人员编号"), lambda cadre: cadre.staff_no),
            ExportColumn(_("姓名"), lambda cadre: cadre.name),
            ExportColumn(_("性别"), Cadre.get_gender_display),
            ExportColumn(_("出生日期"), lambda cadre: cadre.birth_date),
            ExportColumn(_("民族"), lambda cadre: cadre.ethnicity),
            ExportColumn(_("学历"), Cadre.get_education_display),
            ExportColumn(_("政治面貌"), Cadre.get_party_status_display),
            ExportColumn(_("编制类型"), Cadre.get_establishment_display),
            ExportColumn(_("参加工作时间"), lambda cadre: cadre.work_start_date),
            ExportColumn(_("到基层工作时间"), lambda cadre: cadre.grassroots_start_date),
            ExportColumn(_("现任职务"), posts_text),
            ExportColumn(_("职级"), Cadre.get_rank_display),
            ExportColumn(_("所在单位代码"), lambda cadre: cadre.unit.code),
            ExportColumn(_("所在单位"), lambda cadre: cadre.unit.name),
            # No ID number, not even masked: beside the full 出生日期 its last digits would
            # give it away (issue #8.5).
            ExportColumn(_("是否工勤"), lambda cadre: cadre.is_worker),
            ExportColumn(_("状态"), Cadre.get_status_display),
        ),
    )
)

register_export(
    ExportSpec(
        name="appointments",
        title=_("任职记录"),
        roles=REGISTRY_ROLES,
        object_type="appointment",
        rows=_appointments,
        columns=(
            ExportColumn(_("人员编号"), lambda a: a.cadre.staff_no),
            ExportColumn(_("姓名"), lambda a: a.cadre.name),
            ExportColumn(_("单位代码"), lambda a: a.unit.code),
            ExportColumn(_("单位"), lambda a: a.unit.name),
            ExportColumn(_("岗位名称"), lambda a: a.post.title),
            ExportColumn(_("任职时间"), lambda a: a.start_date),
            ExportColumn(_("免职时间"), lambda a: a.end_date),
            ExportColumn(_("免职原因"), Appointment.get_end_reason_display),
            ExportColumn(_("任免文号"), lambda a: a.document_no),
        ),
    )
)
