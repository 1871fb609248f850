"""The user model: one role and, where the role needs it, a county, unit or cadre record."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
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
    # Set by a password reset (one-time password): the next sign-in must choose a new password.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

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


class ApiToken(models.Model):
    """A personal API token (个人 API 令牌) for the JSON API, sent as `Authorization: Bearer …`.

    Only a SHA-256 hash of the token is stored: the token itself is shown once, when it is made.
    The token carries 256 random bits, so an unkeyed hash cannot be reversed by guessing.
    """

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=64)
    prefix = models.CharField(_("令牌开头"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    # A token works until this moment (settings.API_TOKEN_DAYS after it was made).
    expires_at = models.DateTimeField(_("到期时间"), null=True, editable=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at is None or self.expires_at <= timezone.now()


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已拒绝")


class RoleGrant(models.Model):
    """A request to give a user a privileged role (授权申请), made by the system admin.

    三员分立: the system admin may not grant the 组织部, counselor or auditor roles alone. The grant
    takes effect only when a second person confirms it: a 组织部 user of the county for business
    roles, an auditor for the auditor role (`accounts.services.grant_confirm`).
    """

    county = models.ForeignKey(
        "org.County", verbose_name=_("所属县"), null=True, blank=True, on_delete=models.PROTECT
    )
    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("授权申请")
        verbose_name_plural = _("授权申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()}"
