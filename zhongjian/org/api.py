"""JSON API of the registry (/api/v1/units, posts, cadres, appointments), scoped like the pages.

The organization department reads and writes its whole county; a unit head reads their own unit;
a cadre reads their own record and appointments; every other role gets 403. An object outside the
caller's scope, or of another county, is a 404, also when a request body refers to it.
"""

import datetime
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhongjian.accounts.roles import REGISTRY_ROLES, Role
from zhongjian.core.api import (
    MAX_ID,
    Code,
    ObjectId,
    OptionalId,
    Pagination,
    RegistryDate,
    Text,
    api_user,
)
from zhongjian.core.audit import audit_read
from zhongjian.core.models import AuditObject
from zhongjian.dataio.parsers import ETHNIC_GROUPS
from zhongjian.org import selectors, services
from zhongjian.org.choices import (
    CadreStatus,
    Education,
    EndReason,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    Tier,
    UnitKind,
)
from zhongjian.org.models import Appointment, Cadre, Post, Unit

router = Router()
WRITE = (Role.ORG_DEPARTMENT,)
READ_OWN = (*REGISTRY_ROLES, Role.CADRE)
Ethnicity = Literal[ETHNIC_GROUPS]  # type: ignore[valid-type]


def _created(instance: Any) -> Status[Any]:
    return Status(201, instance)


def _changes(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH body sets; a field left out keeps its value."""
    return payload.model_dump(exclude_unset=True)


# Units ------------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None
    is_active: bool


class UnitIn(Schema):
    code: Code(32)  # type: ignore[valid-type]
    name: Text(100)  # type: ignore[valid-type]
    kind: UnitKind
    parent_id: OptionalId = None


class UnitPatch(Schema):
    code: Code(32) = None  # type: ignore[valid-type]
    name: Text(100) = None  # type: ignore[valid-type]
    kind: UnitKind = None  # type: ignore[assignment]
    parent_id: OptionalId = None
    is_active: bool = None  # type: ignore[assignment]


class UnitFilter(FilterSchema):
    q: Annotated[Text(50, min_length=0) | None, FilterLookup(["name__contains", "code"])] = None
    kind: UnitKind | None = None
    parent_id: OptionalId = None
    is_active: bool | None = None


@router.get("/units", response={200: list[UnitOut]}, tags=["单位"])
@paginate(Pagination)
def unit_list(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    """Units the caller may see (the organization department: the county; a unit head: theirs)."""
    return filters.filter(selectors.unit_list(user=api_user(request, *REGISTRY_ROLES)))


@router.get("/units/{unit_id}", response={200: UnitOut}, tags=["单位"])
def unit_get(request: HttpRequest, unit_id: ObjectId) -> Unit:
    return selectors.unit_get(user=api_user(request, *REGISTRY_ROLES), pk=unit_id)


@router.post("/units", response={201: UnitOut}, tags=["单位"])
def unit_create(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    user = api_user(request, *WRITE)
    parent = selectors.unit_get(user=user, pk=payload.parent_id) if payload.parent_id else None
    return _created(
        services.unit_create(
            actor=user,
            county=user.county,
            code=payload.code,
            name=payload.name,
            kind=payload.kind,
            parent=parent,
        )
    )


@router.patch("/units/{unit_id}", response={200: UnitOut}, tags=["单位"])
def unit_update(request: HttpRequest, unit_id: ObjectId, payload: UnitPatch) -> Unit:
    user = api_user(request, *WRITE)
    unit = selectors.unit_get(user=user, pk=unit_id)
    fields = _changes(payload)
    if "parent_id" in fields:
        parent_id = fields.pop("parent_id")
        fields["parent"] = selectors.unit_get(user=user, pk=parent_id) if parent_id else None
    return services.unit_update(actor=user, unit=unit, **fields)


# Posts ------------------------------------------------------------------------------------------


class PositionOut(Schema):
    id: int
    unit_id: int
    title: str
    tier: Tier
    is_leadership: bool
    allows_concurrent: bool
    required_establishment: Establishment
    headcount: int
    holder_count: int
    is_active: bool

    @staticmethod
    def resolve_holder_count(post: Post) -> int:
        annotated = getattr(post, "holder_count", None)
        if annotated is not None:
            return annotated
        return post.appointments.filter(end_date__isnull=True).count()


class PositionIn(Schema):
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    title: Text(100)  # type: ignore[valid-type]
    tier: Tier
    required_establishment: Establishment
    is_leadership: bool = False
    allows_concurrent: bool = Field(False, description="在任者可同时担任其他领导职务（兼任）")
    headcount: int = Field(1, ge=1, le=999)


class PositionPatch(Schema):
    title: Text(100) = None  # type: ignore[valid-type]
    tier: Tier = None  # type: ignore[assignment]
    required_establishment: Establishment = None  # type: ignore[assignment]
    is_leadership: bool = None  # type: ignore[assignment]
    allows_concurrent: bool = None  # type: ignore[assignment]
    headcount: int = Field(None, ge=1, le=999)
    is_active: bool = None  # type: ignore[assignment]


class PositionFilter(FilterSchema):
    q: Annotated[Text(50, min_length=0) | None, FilterLookup("title__contains")] = None
    unit_id: OptionalId = None
    tier: Tier | None = None
    is_leadership: bool | None = None


@router.get("/posts", response={200: list[PositionOut]}, tags=["岗位"])
@paginate(Pagination)
def post_list(request: HttpRequest, filters: Query[PositionFilter]) -> QuerySet[Post]:
    """Active posts the caller may see, with the number of current holders."""
    posts = selectors.post_list(user=api_user(request, *REGISTRY_ROLES)).order_by(
        "unit_id", "tier", "id"
    )
    return filters.filter(posts)


@router.get("/posts/{post_id}", response={200: PositionOut}, tags=["岗位"])
def post_get(request: HttpRequest, post_id: ObjectId) -> Post:
    return selectors.post_get(user=api_user(request, *REGISTRY_ROLES), pk=post_id)


@router.post("/posts", response={201: PositionOut}, tags=["岗位"])
def post_create(request: HttpRequest, payload: PositionIn) -> Status[Post]:
    user = api_user(request, *WRITE)
    fields = payload.model_dump()
    unit = selectors.unit_get(user=user, pk=fields.pop("unit_id"))
    return _created(services.post_create(actor=user, unit=unit, **fields))


@router.patch("/posts/{post_id}", response={200: PositionOut}, tags=["岗位"])
def post_update(request: HttpRequest, post_id: ObjectId, payload: PositionPatch) -> Post:
    user = api_user(request, *WRITE)
    post = selectors.post_get(user=user, pk=post_id)
    return services.post_update(actor=user, post=post, **_changes(payload))


# Cadres -----------------------------------------------------------------------------------------


class CadreOut(Schema):
    id: int
    staff_no: str
    name: str
    gender: Gender
    birth_date: datetime.date
    ethnicity: str
    education: Education
    party_status: PartyStatus
    party_join_date: datetime.date | None
    establishment: Establishment
    work_start_date: datetime.date
    grassroots_start_date: datetime.date | None
    rank: Rank | None
    is_worker: bool
    status: CadreStatus
    unit_id: int
    # No ID number in any form: beside the full birth date and the county's region code even
    # its last four digits would give the whole number away (issue #8.5).

    @staticmethod
    def resolve_rank(cadre: Cadre) -> str | None:
        return cadre.rank or None


# The ID number's form and checksum are checked by org.validation, as on the pages and in imports.
IdNumberText = Text(20)


class CadreIn(Schema):
    staff_no: Code(32)  # type: ignore[valid-type]
    name: Text(32)  # type: ignore[valid-type]
    gender: Gender
    birth_date: RegistryDate
    ethnicity: Ethnicity = "汉族"
    education: Education
    party_status: PartyStatus
    party_join_date: RegistryDate | None = None
    establishment: Establishment
    work_start_date: RegistryDate
    grassroots_start_date: RegistryDate | None = None
    rank: Rank | None = None
    is_worker: bool = False
    unit_id: int = Field(..., ge=1, le=MAX_ID)
    id_number: IdNumberText | None = None  # type: ignore[valid-type]


class CadrePatch(Schema):
    staff_no: Code(32) = None  # type: ignore[valid-type]
    name: Text(32) = None  # type: ignore[valid-type]
    gender: Gender = None  # type: ignore[assignment]
    birth_date: RegistryDate = None  # type: ignore[assignment]
    ethnicity: Ethnicity = None  # type: ignore[assignment]
    education: Education = None  # type: ignore[assignment]
    party_status: PartyStatus = None  # type: ignore[assignment]
    party_join_date: RegistryDate | None = None
    establishment: Establishment = None  # type: ignore[assignment]
    work_start_date: RegistryDate = None  # type: ignore[assignment]
    grassroots_start_date: RegistryDate | None = None
    rank: Rank | None = None
    is_worker: bool = None  # type: ignore[assignment]
    status: CadreStatus = None  # type: ignore[assignment]
    unit_id: int = Field(None, ge=1, le=MAX_ID)
    id_number: IdNumberText = None  # type: ignore[valid-type,assignment]


class CadreFilter(FilterSchema):
    q: Annotated[Text(32, min_length=0) | None, FilterLookup(["name__contains", "staff_no"])] = None
    unit_id: OptionalId = None
    status: CadreStatus | None = None
    establishment: Establishment | None = None
    gender: Gender | None = None


def _cadre_fields(user: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """Model fields from a cadre body, the unit looked up in the caller's scope. The rules
    (org.validation) are the services' to apply."""
    if "unit_id" in fields:
        fields["unit"] = selectors.unit_get(user=user, pk=fields.pop("unit_id"))
    if "rank" in fields:
        fields["rank"] = fields["rank"] or ""
    if fields.get("id_number") is None:
        fields.pop("id_number", None)
    return fields


@router.get("/cadres", response={200: list[CadreOut]}, tags=["干部"])
@paginate(Pagination)
def cadre_list(request: HttpRequest, filters: Query[CadreFilter]) -> QuerySet[Cadre]:
    """Cadres the caller may see, of every status unless filtered; a cadre sees only themself."""
    user = api_user(request, *READ_OWN)
    cadres = selectors.cadre_list(user=user, status=None)
    audit_read(actor=user, object_type=AuditObject.CADRE, summary="api_list")
    return filters.filter(cadres).order_by("unit_id", "staff_no")


@router.get("/cadres/{cadre_id}", response={200: CadreOut}, tags=["干部"])
def cadre_get(request: HttpRequest, cadre_id: ObjectId) -> Cadre:
    user = api_user(request, *READ_OWN)
    cadre = selectors.cadre_get(user=user, pk=cadre_id)
    audit_read(
        actor=user,
        object_type=AuditObject.CADRE,
        object_id=cadre.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        summary="api_detail",
    )
    return cadre


@router.post("/cadres", response={201: CadreOut}, tags=["干部"])
def cadre_create(request: HttpRequest, payload: CadreIn) -> Status[Cadre]:
    user = api_user(request, *WRITE)
    fields = _cadre_fields(user, payload.model_dump())
    unit = fields.pop("unit")
    fields["id_number"] = fields.get("id_number") or ""
    return _created(services.cadre_create(actor=user, unit=unit, **fields))


@router.patch("/cadres/{cadre_id}", response={200: CadreOut}, tags=["干部"])
def cadre_update(request: HttpRequest, cadre_id: ObjectId, payload: CadrePatch) -> Cadre:
    user = api_user(request, *WRITE)
    cadre = selectors.cadre_get(user=user, pk=cadre_id)
    fields = _cadre_fields(user, _changes(payload))
    return services.cadre_update(actor=user, cadre=cadre, **fields)


# Appointments -----------------------------------------------------------------------------------


class AppointmentOut(Schema):
    id: int
    cadre_id: int
    post_id: int
    unit_id: int
    start_date: datetime.date
    end_date: datetime.date | None
    end_reason: EndReason | None
    document_no: str
    end_document_no: str

    @staticmethod
    def resolve_end_reason(appointment: Appointment) -> str | None:
        return appointment.end_reason or None


class AppointmentIn(Schema):
    cadre_id: int = Field(..., ge=1, le=MAX_ID)
    post_id: int = Field(..., ge=1, le=MAX_ID)
    start_date: RegistryDate
    document_no: Text(64, min_length=0) = ""  # type: ignore[valid-type]
    end_current: bool = Field(False, description="同时免去该干部现任的其他职务（交流调整）")


class AppointmentPatch(Schema):
    start_date: RegistryDate = None  # type: ignore[assignment]
    document_no: Text(64, min_length=0) = None  # type: ignore[valid-type]
    end_document_no: Text(64, min_length=0) = None  # type: ignore[valid-type]
    end_date: RegistryDate = None  # type: ignore[assignment]
    end_reason: EndReason = None  # type: ignore[assignment]


class AppointmentFilter(FilterSchema):
    cadre_id: OptionalId = None
    post_id: OptionalId = None
    unit_id: OptionalId = None
    current: Annotated[bool | None, FilterLookup("end_date__isnull")] = None


@router.get("/appointments", response={200: list[AppointmentOut]}, tags=["任职"])
@paginate(Pagination)
def appointment_list(
    request: HttpRequest, filters: Query[AppointmentFilter]
) -> QuerySet[Appointment]:
    """Appointments the caller may see; `current=true` gives those not ended."""
    return filters.filter(selectors.appointment_list(user=api_user(request, *READ_OWN)))


@router.get("/appointments/{appointment_id}", response={200: AppointmentOut}, tags=["任职"])
def appointment_get(request: HttpRequest, appointment_id: ObjectId) -> Appointment:
    return selectors.appointment_get(user=api_user(request, *READ_OWN), pk=appointment_id)


@router.post("/appointments", response={201: AppointmentOut}, tags=["任职"])
def appointment_create(request: HttpRequest, payload: AppointmentIn) -> Status[Appointment]:
    user = api_user(request, *WRITE)
    return _created(
        services.appointment_create(
            actor=user,
            cadre=selectors.cadre_get(user=user, pk=payload.cadre_id),
            post=selectors.post_get(user=user, pk=payload.post_id),
            start_date=payload.start_date,
            document_no=payload.document_no,
            end_current=payload.end_current,
        )
    )


@router.patch("/appointments/{appointment_id}", response={200: AppointmentOut}, tags=["任职"])
def appointment_update(
    request: HttpRequest, appointment_id: ObjectId, payload: AppointmentPatch
) -> Appointment:
    """Change the document number, or end the appointment with `end_date` (and `end_reason`)."""
    user = api_user(request, *WRITE)
    appointment = selectors.appointment_get(user=user, pk=appointment_id)
    return services.appointment_update(actor=user, appointment=appointment, **_changes(payload))
