"""Voice models: custom instruments, waves, their groups and tokens, anonymous responses, the board.

The anonymity of a response is a property of these tables (docs/privacy.md):
`Response` and `InstrumentResult` reference only the county, the wave and the unit (a wave has
one county, so the county says nothing the wave does not); they share no key, no
foreign key and no timestamp finer than a day with `WaveToken`, and their primary keys are
random UUIDs, so that neither a key nor its order says anything about who answered or when.
A token belongs to a group of at least k cadres, never to one cadre. Board posts and comments
store no user, no IP address and a time rounded down to the hour.
"""

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongjian.core.errors import Conflict
from zhongjian.org.choices import Gender, Tier, UnitKind
from zhongjian.voice.choices import (
    AgeBand,
    BoardCategory,
    InvitationMode,
    ModerationStatus,
    WaveStatus,
)
from zhongjian.voice.instrument_spec import Instrument, instrument_from_spec


class CustomInstrument(models.Model):
    """An instrument (测评工具) an organization department wrote, one row per version.

    A version is never changed once saved: a change of wording or scoring is a new version, so
    that results of one version stay comparable.
    """

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    spec = models.JSONField(_("定义"))
    created_on = models.DateField(_("创建日期"))

    class Meta:
        verbose_name = _("自定义测评工具")
        verbose_name_plural = _("自定义测评工具")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "code", "version"], name="voice_custom_instrument_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.spec.get('title', self.code)} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(str(_("测评工具的已有版本不能修改，请保存为新版本。")))
        super().save(*args, **kwargs)

    @property
    def instrument(self) -> Instrument:
        return instrument_from_spec(self.spec)


# Settings a wave may not change once it is open (the anonymity threshold among them).
WAVE_LOCKED_FIELDS = (
    "county_id",
    "unit_ids",
    "mid_level_only",
    "instrument_specs",
    "k",
    "free_text_prompt",
    "free_text_k",
    "opened_on",
    "invitation_mode",
)


class WaveQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        locked = {field.removesuffix("_id") for field in WAVE_LOCKED_FIELDS} | set(
            WAVE_LOCKED_FIELDS
        )
        if locked & kwargs.keys() and self.exclude(status=WaveStatus.DRAFT).exists():
            raise Conflict(str(_("测评批次开启后，范围、测评工具和匿名阈值不能再修改。")))
        return super().update(**kwargs)


class Wave(models.Model):
    """A survey wave (测评批次) for a population of units, opened once and closed once."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    intro = models.TextField(_("致参与者"), blank=True, max_length=1000)
    unit_ids = models.JSONField(_("范围（单位）"), default=list)
    mid_level_only = models.BooleanField(_("仅中层干部"), default=False)
    # Each instrument's full specification, copied when chosen, so that a wave keeps the exact
    # items and scoring it was answered with.
    instrument_specs = models.JSONField(_("测评工具"), default=list)
    k = models.PositiveSmallIntegerField(_("匿名阈值 k"), default=5)
    invitation_mode = models.CharField(
        _("邀请方式"), max_length=16, choices=InvitationMode.choices, default=InvitationMode.SLIPS
    )
    free_text_prompt = models.CharField(_("开放题"), max_length=200, blank=True)
    free_text_k = models.PositiveSmallIntegerField(_("开放题匿名阈值"), default=10)
    status = models.CharField(
        _("状态"), max_length=16, choices=WaveStatus.choices, default=WaveStatus.DRAFT
    )
    closes_on = models.DateField(_("截止日期"))
    opened_on = models.DateField(_("开始日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("测评批次")
        verbose_name_plural = _("测评批次")
        ordering = ["-closes_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=3), name="voice_wave_k_at_least_3"),
            models.CheckConstraint(
                condition=Q(free_text_k__gte=models.F("k")), name="voice_wave_free_text_k"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuses any change of a locked setting, and any step back, once the wave is open."""
        if not self._state.adding:
            stored = Wave.objects.filter(pk=self.pk).values("status", *WAVE_LOCKED_FIELDS).first()
            if stored is not None and stored["status"] != WaveStatus.DRAFT:
                changed = [f for f in WAVE_LOCKED_FIELDS if getattr(self, f) != stored[f]]
                steps = list(WaveStatus.values)
                if changed or steps.index(self.status) < steps.index(stored["status"]):
                    raise Conflict(str(_("测评批次开启后，范围、测评工具和匿名阈值不能再修改。")))
        super().save(*args, **kwargs)

    def instruments(self) -> list[Instrument]:
        """The wave's instruments, parsed once per instance, and once per process for an opened
        wave (its specifications are locked), so that a submission does not re-validate them."""
        specs = self.instrument_specs
        parsed = self.__dict__.get("_parsed_instruments")
        if parsed is None or parsed[0] is not specs:
            shared = _OPENED_INSTRUMENTS.get(self.pk) if self.status != WaveStatus.DRAFT else None
            if shared is None or shared[0] != specs:
                shared = (specs, [instrument_from_spec(spec) for spec in specs])
                if self.status != WaveStatus.DRAFT and self.pk is not None:
                    if len(_OPENED_INSTRUMENTS) > 256:
                        _OPENED_INSTRUMENTS.clear()
                    _OPENED_INSTRUMENTS[self.pk] = shared
            parsed = (specs, shared[1])
            self.__dict__["_parsed_instruments"] = parsed
        return parsed[1]


# Parsed instruments of opened waves by wave id (their specifications can no longer change).
_OPENED_INSTRUMENTS: dict[int, tuple[Any, list[Instrument]]] = {}


class WaveGroup(models.Model):
    """A response group of a wave (see grouping.py): at least k invited cadres sharing the coarse
    attributes that their responses will carry. Written once when the wave opens."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="groups")
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_kind = models.CharField(_("单位类型"), max_length=32, blank=True, choices=UnitKind.choices)
    tier = models.CharField(_("层级"), max_length=16, blank=True, choices=Tier.choices)
    age_band = models.CharField(_("年龄段"), max_length=8, blank=True, choices=AgeBand.choices)
    gender = models.CharField(_("性别"), max_length=8, blank=True, choices=Gender.choices)
    invited = models.PositiveIntegerField(_("受邀人数"))
    # Who was invited, for distributing the group's slips and for refusing comparisons of
    # populations that differ by fewer than k people; never linked to a token.
    members = models.JSONField(_("受邀干部"), default=list)

    class Meta:
        verbose_name = _("作答分组")
        verbose_name_plural = _("作答分组")
        ordering = ["wave_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(invited__gte=3), name="voice_group_at_least_3")
        ]

    def __str__(self) -> str:
        return f"{self.wave} · {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(str(_("作答分组在测评开启时确定，不能修改。")))
        super().save(*args, **kwargs)


class WaveToken(models.Model):
    """A single-use invitation (邀请码) of a group; which member holds it is recorded nowhere.

    Written once when the wave opens and blanked when it closes, never when a code is spent:
    a spent code is a row of SpentToken under another keyed hash, so that nothing written with
    a response (its transaction, the pages beside it in a WAL) names the slip.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(WaveGroup, on_delete=models.CASCADE, related_name="tokens")
    # Unique within the county (a distributed table's unique keys include county_id); the codes are
    # random enough that two counties never draw the same one either.
    digest = models.CharField(max_length=64)
    # The code itself, encrypted, for printing slips while the wave is open; blanked on closing.
    cipher = models.TextField(blank=True)

    class Meta:
        verbose_name = _("邀请码")
        verbose_name_plural = _("邀请码")
        constraints = [
            models.UniqueConstraint(fields=["county", "digest"], name="voice_token_digest_once")
        ]
        # A typed code is looked up by its digest alone: the cadre does not say which wave.
        indexes = [models.Index(fields=["digest"])]

    def __str__(self) -> str:
        return str(self.pk)


class WaveGroupKey(models.Model):
    """The RSA key (RFC 9474 blind signatures) a group's members draw their online codes with.

    One key per group, so that a valid signature says which group answered and nothing more.
    Created on the group's first draw; the private half is encrypted and erased at closing.
    """

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(WaveGroup, on_delete=models.CASCADE, related_name="keys")
    modulus = models.TextField()  # hex
    exponent = models.PositiveIntegerField(default=65537)
    private_cipher = models.TextField(blank=True)

    class Meta:
        verbose_name = _("盲签名密钥")
        verbose_name_plural = _("盲签名密钥")
        constraints = [
            models.UniqueConstraint(fields=["county", "group"], name="voice_group_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} · {self.group_id}"


class WaveDraw(models.Model):
    """That a cadre has drawn an online code of a wave: once per cadre and wave. The code itself
    was blinded in the browser; nothing here can be matched with a submission."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey("org.Cadre", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("在线领码记录")
        verbose_name_plural = _("在线领码记录")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "wave", "cadre"], name="voice_draw_once_per_cadre"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} · {self.cadre_id}"


class SpentToken(models.Model):
    """A code that has been answered with: the keyed hash of an online code's message, or of a
    slip's code under another purpose than the slip's own digest (services/answering.py), so
    that it cannot be matched with the slip's row without the deployment key. Re-shuffled with
    the responses, so that neither order nor transaction pairs a spent code with its response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: the unique key below leads with the county (each index is one more
    # write in every submission).
    county = models.ForeignKey(
        "org.County", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(WaveGroup, on_delete=models.CASCADE, related_name="spent")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("已使用的在线邀请码")
        verbose_name_plural = _("已使用的在线邀请码")
        constraints = [
            models.UniqueConstraint(fields=["county", "wave", "digest"], name="voice_spent_once")
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Response(models.Model):
    """One anonymous submission: coarse attributes copied from its group, and the day only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    # Indexed by the (wave, unit) index below, not on its own.
    wave = models.ForeignKey(
        Wave, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_kind = models.CharField(_("单位类型"), max_length=32, blank=True, choices=UnitKind.choices)
    tier = models.CharField(_("层级"), max_length=16, blank=True, choices=Tier.choices)
    age_band = models.CharField(_("年龄段"), max_length=8, blank=True, choices=AgeBand.choices)
    gender = models.CharField(_("性别"), max_length=8, blank=True, choices=Gender.choices)
    submitted_on = models.DateField(_("提交日期"))
    comment = models.TextField(_("开放题回答（已遮盖个人信息）"), blank=True)

    class Meta:
        verbose_name = _("匿名作答")
        verbose_name_plural = _("匿名作答")
        indexes = [models.Index(fields=["wave", "unit"])]

    def __str__(self) -> str:
        return str(self.pk)


class InstrumentResult(models.Model):
    """One response's answers to one instrument and its score by the instrument's rule."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the unique key below, which leads with it.
    county = models.ForeignKey(
        "org.County", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="results")
    instrument = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    answers = models.JSONField()
    score = models.FloatField(null=True)
    band = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("测评结果")
        verbose_name_plural = _("测评结果")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "response", "instrument"],
                name="voice_result_once_per_instrument",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score}"


class BoardPost(models.Model):
    """An anonymous post on the 心声 board, shown as 佚名. No author, no IP address."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("分类"), max_length=32, choices=BoardCategory.choices)
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("正文"), max_length=5000)
    status = models.CharField(
        _("状态"), max_length=16, choices=ModerationStatus.choices, db_index=True
    )
    hold_reason = models.CharField(_("待审核原因"), max_length=200, blank=True)
    # Rounded down to the hour: a time to the second could be matched with sign-in records.
    created_at = models.DateTimeField(_("发布时间"))
    last_activity_at = models.DateTimeField(_("最后回复"))
    # Title and body normalised (NFKC, lower case) for substring search; keywords (jieba TF-IDF)
    # space-separated with a space at either end, for related posts.
    search_text = models.TextField(editable=False)
    keywords = models.CharField(max_length=400, editable=False)
    read_count = models.PositiveIntegerField(_("阅读数"), default=0)
    comment_count = models.PositiveIntegerField(_("评论数"), default=0)
    reply_count = models.PositiveIntegerField(_("官方答复数"), default=0)

    class Meta:
        verbose_name = _("心声帖子")
        verbose_name_plural = _("心声帖子")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["county", "status", "created_at"])]

    def __str__(self) -> str:
        return self.title


class BoardComment(models.Model):
    """An anonymous comment on a post. No author, no IP address, time rounded to the hour."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(BoardPost, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(_("评论"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=16, choices=ModerationStatus.choices, db_index=True
    )
    hold_reason = models.CharField(_("待审核原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("心声评论")
        verbose_name_plural = _("心声评论")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:30]


class OfficialReply(models.Model):
    """The organization department's reply to a post: signed by the department, not anonymous."""

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(BoardPost, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("答复"), max_length=5000)
    created_at = models.DateTimeField(_("时间"))
    # Set by the last edit: readers see "已修改" with this time; each earlier text is kept in an
    # OfficialReplyRevision.
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("组织部答复")
        verbose_name_plural = _("组织部答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:30]


class OfficialReplyRevision(models.Model):
    """The text an official reply had before one edit, who replaced it and when.

    Shown to the organization department on the post page (and audited); readers of the board
    see only the current text marked as edited.
    """

    county = models.ForeignKey("org.County", on_delete=models.PROTECT, related_name="+")
    reply = models.ForeignKey(OfficialReply, on_delete=models.CASCADE, related_name="revisions")
    previous_body = models.TextField(_("修改前的答复"), max_length=5000)
    # When the replaced text had been written (the reply's time or that of the edit before).
    previous_at = models.DateTimeField(_("原答复时间"))
    edited_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("组织部答复修改记录")
        verbose_name_plural = _("组织部答复修改记录")
        ordering = ["-edited_at", "-id"]

    def __str__(self) -> str:
        return self.previous_body[:30]
