"""The main menu: each entry names the roles that see it. Apps add their entries here."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    section: str  # the first path segment that marks the entry active
    group: str = ""  # a key of NAV_GROUPS: the entry goes into that drop-down menu


# Drop-down menus by module, used when a role sees more than GROUP_ABOVE entries, so that the
# bar fits one line at 1280 px; a group with a single entry for the role stays a plain link.
NAV_GROUPS = {
    "registry": _("干部队伍"),
    "voice": _("思想动态"),
    "analysis": _("研判·预测"),
}
GROUP_ABOVE = 7


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("队伍概览"), "overview", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), ""),
    NavItem(_("我的档案"), "overview", (Role.CADRE,), ""),
    NavItem(
        _("单位"), "org:unit_list", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "org/units", "registry"
    ),
    NavItem(
        _("干部"), "org:cadre_list", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "org/cadres", "registry"
    ),
    NavItem(_("提拔·流动"), "pipeline:index", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "pipeline"),
    NavItem(_("减负"), "workload:index", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "workload"),
    NavItem(
        _("测评"), "voice:wave_list", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "voice/survey", "voice"
    ),
    NavItem(_("我的问卷"), "voice:my_surveys", (Role.CADRE,), "voice/mine"),
    NavItem(
        _("心声"),
        "voice:board",
        (Role.ORG_DEPARTMENT, Role.UNIT_HEAD, Role.COUNSELOR, Role.CADRE),
        "voice/board",
        "voice",
    ),
    NavItem(_("心理疏导"), "care:home", (Role.COUNSELOR,), "care"),
    NavItem(_("心理疏导"), "care:help", (Role.CADRE,), "care"),
    NavItem(_("心理疏导"), "care:overview", (Role.ORG_DEPARTMENT,), "care", "voice"),
    NavItem(_("疏导推荐"), "care:referrals", (Role.UNIT_HEAD,), "care", "voice"),
    NavItem(_("预测"), "projection:index", (Role.ORG_DEPARTMENT,), "projection", "analysis"),
    NavItem(
        _("研判"), "insight:survival", (Role.ORG_DEPARTMENT, Role.UNIT_HEAD), "insight", "analysis"
    ),
    NavItem(_("数据导入"), "dataio:import", (Role.ORG_DEPARTMENT,), "data/import", "registry"),
    NavItem(_("数据核查"), "org:data_check", (Role.ORG_DEPARTMENT,), "org/data-check", "registry"),
    NavItem(_("审计日志"), "audit_log", (Role.AUDITOR,), "audit"),
    NavItem(_("用户管理"), "admin:accounts_user_changelist", (Role.SYSTEM_ADMIN,), "admin"),
    NavItem(_("我的账号"), "accounts:account", tuple(Role.values), "account"),
)


# Where a role lands at / when the overview is not theirs.
LANDING_BY_ROLE = {
    Role.AUDITOR: "audit_log",
    Role.SYSTEM_ADMIN: "admin:accounts_user_changelist",
    Role.COUNSELOR: "care:home",
}
# The modules that contribute indicators, as the dashboard heads their sections.
MODULE_LABELS = {
    "org": _("队伍底数"),
    "pipeline": _("提拔·流动"),
    "voice": _("思想动态（匿名测评）"),
    "workload": _("下挤上压"),
    "care": _("心理疏导"),
}
