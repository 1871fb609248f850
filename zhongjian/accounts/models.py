"""The user model: one role and, where the role needs it, a county, unit or cadre record."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.CADRE)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    county = models.ForeignKey(
        "org.County", verbose_name=_("所属县"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("单位负责人只能看到本单位的数据。"),
    )
    cadre = models.OneToOneField(
        "org.Cadre",
        verbose_name=_("本人干部档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.UNIT_HEAD and self.unit_id is None:
            raise ValidationError({"unit": _("单位负责人必须指定所在单位。")})
        if self.role == Role.CADRE and self.cadre_id is None:
            raise ValidationError({"cadre": _("干部账号必须关联本人干部档案。")})
        if self.role in (Role.ORG_DEPARTMENT, Role.UNIT_HEAD) and self.county_id is None:
            raise ValidationError({"county": _("请指定所属县。")})
        if (
            self.unit_id is not None
            and self.county_id is not None
            and self.unit.county_id != self.county_id
        ):
            raise ValidationError({"unit": _("所在单位不属于所属县。")})

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)
