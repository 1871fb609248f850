"""Coded values of the cadre registry (队伍底数), shared by models, importers and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    TOWNSHIP = "township", _("乡镇")
    SUBDISTRICT = "subdistrict", _("街道")
    COUNTY_DEPARTMENT = "county_department", _("县直部门")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")


class Tier(models.TextChoices):
    """Post tier (层级). 正科, 副科 and 股级 posts are the mid-level (中层) posts."""

    ZHENGKE = "zhengke", _("正科")
    FUKE = "fuke", _("副科")
    GUJI = "guji", _("股级")
    GENERAL = "general", _("一般")


MID_LEVEL_TIERS = (Tier.ZHENGKE, Tier.FUKE, Tier.GUJI)


class Establishment(models.TextChoices):
    """Establishment type (编制)."""

    ADMINISTRATIVE = "administrative", _("行政")
    CIVIL_SERVICE_MANAGED = "civil_service_managed", _("参公")
    PUBLIC_INSTITUTION = "public_institution", _("事业")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY = "secondary", _("中专及以下")


class PartyStatus(models.TextChoices):
    MEMBER = "member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    MASSES = "masses", _("群众")


class Rank(models.TextChoices):
    """Civil-servant rank (职级), lowest first; county and township organs go up to 二级调研员."""

    CLERK_2 = "clerk_2", _("二级科员")
    CLERK_1 = "clerk_1", _("一级科员")
    PRINCIPAL_CLERK_4 = "principal_clerk_4", _("四级主任科员")
    PRINCIPAL_CLERK_3 = "principal_clerk_3", _("三级主任科员")
    PRINCIPAL_CLERK_2 = "principal_clerk_2", _("二级主任科员")
    PRINCIPAL_CLERK_1 = "principal_clerk_1", _("一级主任科员")
    RESEARCHER_4 = "researcher_4", _("四级调研员")
    RESEARCHER_3 = "researcher_3", _("三级调研员")
    RESEARCHER_2 = "researcher_2", _("二级调研员")


RANK_ORDER = {value: index for index, value in enumerate(Rank.values)}


class CadreStatus(models.TextChoices):
    ACTIVE = "active", _("在职")
    DEPARTED = "departed", _("已离岗")
    RETIRED = "retired", _("已退休")


class EndReason(models.TextChoices):
    """Why an appointment (任职) ended."""

    PROMOTED = "promoted", _("提拔")
    REASSIGNED = "reassigned", _("交流调整")
    DEPARTED = "departed", _("离岗")
    RETIRED = "retired", _("退休")
    REMOVED = "removed", _("免职")
    OTHER = "other", _("其他")


class ReviewRating(models.TextChoices):
    """年度考核 rating (《公务员考核规定》第七条).

    优秀 shortens a rank step; a year below 称职 does not count towards it.
    """

    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basically_competent", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    UNRATED = "unrated", _("不定等次")
