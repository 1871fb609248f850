"""The six roles (等保 三员分立: admins, auditors and business users are apart)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ORG_DEPARTMENT = "org_department", _("组织部")
    UNIT_HEAD = "unit_head", _("单位负责人")
    COUNSELOR = "counselor", _("心理疏导员")
    CADRE = "cadre", _("干部")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    AUDITOR = "auditor", _("审计员")


# Roles that read registry data of other people.
REGISTRY_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)

# Roles the system admin cannot grant alone (三员分立): a second person confirms each grant.
PRIVILEGED_ROLES = (Role.ORG_DEPARTMENT, Role.COUNSELOR, Role.AUDITOR)
# Roles whose password the 组织部 of the county may reset (one-time password).
RESETTABLE_BY_ORG = (Role.UNIT_HEAD, Role.CADRE)
