"""Column specifications of the four import kinds and the validator that turns rows into records."""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhongjian.dataio.headers import HeaderMatcher, synonyms
from zhongjian.dataio.parsers import (
    ETHNIC_GROUPS,
    PLAIN_CELL_TYPES,
    CellError,
    IdNumber,
    choice_lookup,
    parse_bool,
    parse_choice,
    parse_code,
    parse_date,
    parse_ethnicity,
    parse_id_number,
    parse_int,
    parse_text,
    refuse_formula,
    today_in_china,
)
from zhongjian.dataio.readers import (
    DEFAULT_MAX_BYTES,
    FileError,
    Row,
    Source,
    Table,
    open_table,
)
from zhongjian.org import validation
from zhongjian.org.choices import (
    Education,
    EndReason,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    Tier,
    UnitKind,
)

DEFAULT_MAX_ERRORS = 10_000
# How many rows pass between two calls of a progress callback.
PROGRESS_EVERY = 1000
Progress = Callable[[int, int | None], None]


class ImportKind(models.TextChoices):
    UNITS = "units", _("单位")
    POSTS = "posts", _("岗位")
    CADRES = "cadres", _("干部")
    APPOINTMENTS = "appointments", _("任职")
    # Columns and importer come from the workload app (register_import_kind).
    DEMANDS = "demands", _("上级任务")


class ValueType(models.TextChoices):
    """What a column holds; templates use it for formats and drop-down lists."""

    TEXT = "text", _("文本")
    CODE = "code", _("代码")
    DATE = "date", _("日期")
    INTEGER = "integer", _("整数")
    BOOLEAN = "boolean", _("是/否")
    CHOICE = "choice", _("选项")
    ID_NUMBER = "id_number", _("身份证号")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an import kind: how it is named, parsed, explained and exemplified."""

    key: str
    label: str
    value_type: str
    parse: Callable[[object, "ParseContext"], object]
    help_text: str | Promise
    example: object
    required: bool = True
    # The key of another column that may stand in for this one: the column may be missing and
    # its cell empty wherever that other column is filled (人员编号 or 身份证号).
    required_unless: str | None = None
    aliases: tuple[str, ...] = ()
    choices: type[TextChoices] | None = None
    options: tuple[str, ...] = ()
    default: object = None

    @property
    def names(self) -> tuple[str, ...]:
        """The label and its aliases, as matched against header cells."""
        return (self.label, *self.aliases)

    def option_labels(self) -> list[str]:
        """The values a drop-down list offers: Chinese labels of the choices, or fixed options."""
        if self.choices is not None:
            return [str(label) for label in self.choices.labels]
        return list(self.options)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of an import, located by row and column where it has a place."""

    message: str
    row: int | None = None
    column: str | None = None
    # Whom the row is about (姓名, else 人员编号), so that a clerk finds the person in the file.
    who: str = ""

    def __post_init__(self) -> None:
        # Messages are often lazy translations; a Problem holds plain text to stay serializable.
        object.__setattr__(self, "message", str(self.message))

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return str(
                _("第 %(row)d 行「%(column)s」：%(message)s")
                % {"row": self.row, "column": self.column, "message": self.message}
            )
        if self.row is not None:
            return str(_("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message})
        return self.message


@dataclass(slots=True)
class ParsedRow:
    """A row that passed validation: its number in the file and its typed values by column key."""

    number: int
    values: dict[str, object]


@dataclass(slots=True)
class ValidationResult:
    """Everything learnt from a file: valid rows, errors (any error blocks the import), warnings."""

    kind: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    # Data rows read (blank rows aside), valid or not: “12 行数据” for a refused 12-row file.
    data_rows: int = 0
    file_format: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    # Column key → the header cell that named it in the file, for every column the file has.
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file can be imported as it is."""
        return self.error_count == 0

    def messages(self) -> list[str]:
        """The errors as the sentences shown to the clerk, with a count of any left unlisted."""
        lines = [str(problem) for problem in self.errors]
        if self.error_count > len(self.errors):
            lines.append(
                str(
                    _("另有 %(count)d 个问题未逐条列出；请先改正以上问题后重新检查")
                    % {"count": self.error_count - len(self.errors)}
                )
            )
        return lines


class ParseContext:
    """What the parsers of one validation run share: today's date and the choice tables."""

    def __init__(self, *, today: datetime.date) -> None:
        self.today = today
        self._lookups: dict[type[TextChoices], tuple[dict[str, str], str]] = {}

    def choice(self, choices: type[TextChoices]) -> tuple[dict[str, str], str]:
        """Return the lookup table of a choices class and its labels as listed in messages."""
        entry = self._lookups.get(choices)
        if entry is None:
            entry = (choice_lookup(choices), "、".join(str(label) for label in choices.labels))
            self._lookups[choices] = entry
        return entry


Rule = Callable[[dict[str, object], datetime.date], list[tuple[str, str]]]


@dataclass(frozen=True)
class KindSpec:
    """The columns of an import kind, its keys unique within a file, and its cross-column rules."""

    kind: str
    columns: tuple[Column, ...]
    unique_keys: tuple[tuple[str, ...], ...]
    rules: tuple[Rule, ...] = ()

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @cached_property
    def matcher(self) -> HeaderMatcher:
        return HeaderMatcher(names={column.key: column.names for column in self.columns})


def _column(
    key: str,
    label: str,
    value_type: str,
    parse: Callable[[object, ParseContext], object],
    *,
    help_text: str | Promise,
    example: object,
    required: bool = True,
    required_unless: str | None = None,
    choices: type[TextChoices] | None = None,
    options: tuple[str, ...] = (),
    default: object = None,
) -> Column:
    return Column(
        key=key,
        label=label,
        value_type=value_type,
        parse=parse,
        help_text=help_text,
        example=example,
        required=required,
        required_unless=required_unless,
        aliases=synonyms(label),
        choices=choices,
        options=options,
        default=default,
    )


def _text(max_length: int) -> Callable[[object, ParseContext], str]:
    return lambda value, _context: parse_text(value, max_length=max_length)


def _code(max_length: int) -> Callable[[object, ParseContext], str]:
    return lambda value, _context: parse_code(value, max_length=max_length)


def _date(*, not_after_today: bool) -> Callable[[object, ParseContext], datetime.date]:
    return lambda value, context: parse_date(
        value, today=context.today, not_after_today=not_after_today
    )


def _choice(choices: type[TextChoices]) -> Callable[[object, ParseContext], str]:
    def parse(value: object, context: ParseContext) -> str:
        lookup, labels = context.choice(choices)
        return parse_choice(value, lookup=lookup, labels=labels)

    return parse


def _bool(value: object, _context: ParseContext) -> bool:
    return parse_bool(value)


def _headcount(value: object, _context: ParseContext) -> int:
    return parse_int(value, min_value=1, max_value=999)


def _id_number(value: object, context: ParseContext) -> IdNumber:
    return parse_id_number(value, today=context.today)


def _ethnicity(value: object, _context: ParseContext) -> str:
    return parse_ethnicity(value)


def _choice_column(key: str, label: str, choices: type[TextChoices], **kwargs: object) -> Column:
    return _column(key, label, ValueType.CHOICE, _choice(choices), choices=choices, **kwargs)


_DATE_HELP = _(
    "可填 Excel 日期，或 1985-03-12、1985/3/12、1985.03、1985年3月；只填年月时按当月 1 日"
)
_BOOL_HELP = _("填“是”或“否”")

UNIT_COLUMNS = (
    _column(
        "code",
        "单位代码",
        ValueType.CODE,
        _code(32),
        help_text=_("本县自定的单位代码，文件内不能重复；其他表用它指明单位"),
        example="XZ001",
    ),
    _column(
        "name",
        "单位名称",
        ValueType.TEXT,
        _text(100),
        help_text=_("单位全称"),
        example="城关镇（示例）",
    ),
    _choice_column("kind", "单位类型", UnitKind, help_text=_("从下拉列表中选择"), example="乡镇"),
    _column(
        "parent_code",
        "上级单位代码",
        ValueType.CODE,
        _code(32),
        required=False,
        help_text=_("主管单位的单位代码；没有则留空"),
        example=None,
    ),
)

POST_COLUMNS = (
    _column(
        "unit_code",
        "单位代码",
        ValueType.CODE,
        _code(32),
        help_text=_("岗位所在单位的单位代码"),
        example="XZ001",
    ),
    _column(
        "title",
        "岗位名称",
        ValueType.TEXT,
        _text(100),
        help_text=_("如“党政办主任”“副镇长”；同一单位内不能重复"),
        example="党政办主任（示例）",
    ),
    _choice_column("tier", "层级", Tier, help_text=_("从下拉列表中选择"), example="股级"),
    _column(
        "is_leadership",
        "是否领导职务",
        ValueType.BOOLEAN,
        _bool,
        help_text=_BOOL_HELP,
        example="是",
        options=("是", "否"),
    ),
    _choice_column(
        "required_establishment",
        "编制要求",
        Establishment,
        help_text=_("该岗位要求的编制类型，从下拉列表中选择"),
        example="行政",
    ),
    _column(
        "headcount",
        "职数",
        ValueType.INTEGER,
        _headcount,
        required=False,
        default=1,
        help_text=_("该岗位的职数，1 至 999 的整数；留空按 1"),
        example=1,
    ),
)

CADRE_COLUMNS = (
    _column(
        "staff_no",
        "人员编号",
        ValueType.CODE,
        _code(32),
        required_unless="id_number",
        help_text=_("本县自定的人员编号，文件内不能重复；与身份证号至少填写一项"),
        example="GB0001",
    ),
    _column("name", "姓名", ValueType.TEXT, _text(32), help_text=_("姓名"), example="张三（示例）"),
    _choice_column(
        "gender",
        "性别",
        Gender,
        required_unless="id_number",
        help_text=_("男或女；填了身份证号时可留空，按身份证号"),
        example="男",
    ),
    _column(
        "birth_date",
        "出生日期",
        ValueType.DATE,
        _date(not_after_today=False),
        required_unless="id_number",
        help_text=_(
            "可填 Excel 日期，或 1985-03-12、1985.03、1985年3月；填了身份证号时可留空，按身份证号"
        ),
        example="1985-03-12",
    ),
    _column(
        "ethnicity",
        "民族",
        ValueType.CHOICE,
        _ethnicity,
        required=False,
        default="汉族",
        options=tuple(ETHNIC_GROUPS),
        help_text=_("如“汉族”“壮族”，可省略“族”字；留空按汉族"),
        example="汉族",
    ),
    _choice_column(
        "education",
        "学历",
        Education,
        help_text=_("最高学历，从下拉列表中选择"),
        example="大学本科",
    ),
    _choice_column(
        "party_status",
        "政治面貌",
        PartyStatus,
        help_text=_("从下拉列表中选择"),
        example="中共党员",
    ),
    _column(
        "party_join_date",
        "入党时间",
        ValueType.DATE,
        _date(not_after_today=False),
        required=False,
        help_text=_("中共党员填写入党时间；其他留空"),
        example="2006-07-01",
    ),
    _choice_column(
        "establishment",
        "编制类型",
        Establishment,
        help_text=_("本人的编制类型，从下拉列表中选择"),
        example="行政",
    ),
    _column(
        "work_start_date",
        "参加工作时间",
        ValueType.DATE,
        _date(not_after_today=False),
        help_text=_DATE_HELP,
        example="2007-08-01",
    ),
    _column(
        "grassroots_start_date",
        "到基层工作时间",
        ValueType.DATE,
        _date(not_after_today=False),
        required=False,
        help_text=_("到乡镇（街道）工作的时间，不早于参加工作时间；没有则留空"),
        example="2007-08-01",
    ),
    _choice_column(
        "rank",
        "职级",
        Rank,
        required=False,
        help_text=_("公务员职级，从下拉列表中选择；没有则留空"),
        example="一级主任科员",
    ),
    _column(
        "unit_code",
        "所在单位代码",
        ValueType.CODE,
        _code(32),
        help_text=_("所在单位的单位代码；填写了“所在单位”时可以不填"),
        example="XZ001",
        required_unless="unit_name",
    ),
    _column(
        "unit_name",
        "所在单位",
        ValueType.TEXT,
        _text(100),
        help_text=_("所在单位的全称，与系统中的单位名称完全一致；没有单位代码时按名称对应"),
        example="示例镇",
        required_unless="unit_code",
    ),
    _column(
        "id_number",
        "身份证号",
        ValueType.ID_NUMBER,
        _id_number,
        required=False,
        help_text=_(
            "18 位居民身份证号，末位可为 X；请把该列设为“文本”格式。"
            "导入后加密保存，只显示为 110***********1234"
        ),
        example="110105198503121234",
    ),
    _column(
        "is_worker",
        "是否工勤",
        ValueType.BOOLEAN,
        _bool,
        required=False,
        default=False,
        options=("是", "否"),
        help_text=_("工勤人员填“是”；留空按“否”"),
        example="否",
    ),
)

APPOINTMENT_COLUMNS = (
    _column(
        "staff_no",
        "人员编号",
        ValueType.CODE,
        _code(32),
        help_text=_("任职人员的人员编号"),
        example="GB0001",
    ),
    _column(
        "unit_code",
        "单位代码",
        ValueType.CODE,
        _code(32),
        help_text=_("岗位所在单位的单位代码"),
        example="XZ001",
    ),
    _column(
        "title",
        "岗位名称",
        ValueType.TEXT,
        _text(100),
        help_text=_("与岗位表中的岗位名称一致"),
        example="党政办主任（示例）",
    ),
    _column(
        "start_date",
        "任职时间",
        ValueType.DATE,
        _date(not_after_today=False),
        help_text=_DATE_HELP,
        example="2019-06-18",
    ),
    _column(
        "end_date",
        "免职时间",
        ValueType.DATE,
        _date(not_after_today=False),
        required=False,
        help_text=_("不早于任职时间；仍在任则留空"),
        example=None,
    ),
    _choice_column(
        "end_reason",
        "免职原因",
        EndReason,
        required=False,
        help_text=_("填了免职时间时从下拉列表中选择"),
        example=None,
    ),
    _column(
        "document_no",
        "任免文号",
        ValueType.TEXT,
        _text(64),
        required=False,
        help_text=_("如“城组干〔2019〕12号”"),
        example="城组干〔2019〕12号",
    ),
)


def _months(day: datetime.date) -> int:
    # Comparisons are by month: rosters often give 出生年月 and 参加工作时间 without a day.
    return day.year * 12 + day.month


def _cadre_rules(values: dict[str, object], today: datetime.date) -> list[tuple[str, str]]:
    """The registry's rules (org.validation), beside the cells they are about."""
    id_number = values.get("id_number")
    if isinstance(id_number, IdNumber):
        # The ID carries the exact day where the roster often has only the month; its birth date
        # and gender stand in for empty cells.
        birth = values.get("birth_date")
        if not isinstance(birth, datetime.date):
            values["birth_date"] = id_number.birth_date
        if values.get("gender") is None:
            values["gender"] = id_number.gender
    problems = validation.cadre_violations(
        values,
        id_number=id_number if isinstance(id_number, IdNumber) else None,
        today=today,
    )
    if isinstance(id_number, IdNumber) and not problems:
        values["birth_date"] = id_number.birth_date
    return [(problem.field, problem.message) for problem in problems]


def _appointment_rules(values: dict[str, object], _today: datetime.date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    start, end = values.get("start_date"), values.get("end_date")
    if (
        isinstance(start, datetime.date)
        and isinstance(end, datetime.date)
        and _months(end) < _months(start)
    ):
        problems.append(
            (
                "end_date",
                _("%(end)s 早于任职时间 %(start)s；应不早于任职时间")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        )
    # A missing key means the cell failed to parse and already has its own message.
    if values.get("end_reason") is not None and "end_date" in values and end is None:
        problems.append(("end_reason", _("填写了免职原因，但没有免职时间；请补填免职时间")))
    return problems


def _unit_rules(values: dict[str, object], _today: datetime.date) -> list[tuple[str, str]]:
    if values.get("parent_code") is not None and values.get("parent_code") == values.get("code"):
        return [("parent_code", _("上级单位不能是本单位"))]
    return []


# Kinds of other apps are added by `importers.register_import_kind` when those apps load.
SPECS: dict[str, KindSpec] = {
    ImportKind.UNITS: KindSpec(
        kind=ImportKind.UNITS, columns=UNIT_COLUMNS, unique_keys=(("code",),), rules=(_unit_rules,)
    ),
    ImportKind.POSTS: KindSpec(
        kind=ImportKind.POSTS, columns=POST_COLUMNS, unique_keys=(("unit_code", "title"),)
    ),
    ImportKind.CADRES: KindSpec(
        kind=ImportKind.CADRES,
        columns=CADRE_COLUMNS,
        unique_keys=(("staff_no",), ("id_number",)),
        rules=(_cadre_rules,),
    ),
    ImportKind.APPOINTMENTS: KindSpec(
        kind=ImportKind.APPOINTMENTS,
        columns=APPOINTMENT_COLUMNS,
        unique_keys=(("staff_no", "unit_code", "title", "start_date"),),
        rules=(_appointment_rules,),
    ),
}


def validate_stream(
    *,
    kind: str,
    header: Iterable[object],
    rows: Iterable[Row],
    today: datetime.date | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    progress: Progress | None = None,
    estimated_rows: int | None = None,
) -> tuple[ValidationResult, Iterator[ParsedRow]]:
    """
    The streaming form of `validate_rows`: the header is checked at once, and the valid rows come
    one at a time from the returned iterator while RESULT collects the problems of the rows read
    so far (all of them once the iterator is exhausted). RESULT.rows stays empty; what the check
    keeps per row is the keys that must be unique in the file, not the row.
    """
    spec = SPECS[kind]
    result = ValidationResult(kind=kind)
    context = ParseContext(today=today or today_in_china())
    bound, shown = _bind_header(spec, tuple(header), result)
    result.columns = shown
    parsers = [
        (
            index,
            column,
            _memoized(column.parse) if column.value_type in _REPEATING else column.parse,
        )
        for index, column in bound
    ]
    example = _example_values(spec, context)
    first_seen: list[dict[object, int]] = [{} for _key in spec.unique_keys]

    current = {"who": ""}

    def report(message: str, row: int | None = None, key: str | None = None) -> None:
        result.error_count += 1
        if len(result.errors) < max_errors:
            column = None if key is None else shown.get(key, spec.by_key[key].label)
            who = current["who"] if row is not None else ""
            result.errors.append(Problem(message=message, row=row, column=column, who=who))

    missing_defaults = {
        column.key: column.default for column in spec.columns if column.key not in shown
    }
    stand_ins = [
        column
        for column in spec.columns
        if column.required_unless and (column.key in shown or column.required_unless in shown)
    ]

    def valid_rows() -> Iterator[ParsedRow]:
        valid = 0
        # Units are checked for loops of 上级单位代码 once the file is read; a county has a few
        # hundred of them.
        units: list[ParsedRow] | None = [] if kind == ImportKind.UNITS else None
        try:
            for read, (number, cells) in enumerate(rows, start=1):
                if progress is not None and read % PROGRESS_EVERY == 0:
                    progress(read, estimated_rows)
                values, problems = _parse_row(parsers, cells, context)
                if values is None:
                    continue  # blank apart from spaces
                result.data_rows += 1
                current["who"] = str(values.get("name") or values.get("staff_no") or "")
                for key, message in problems.items():
                    report(message, number, key)
                failed = set(problems)
                values.update(missing_defaults)
                for column in stand_ins:
                    other = column.required_unless
                    if (
                        values.get(column.key) is None
                        and values.get(other) is None
                        and column.key not in failed
                        and other not in failed
                    ):
                        report(
                            _("不能为空（「%(label)s」和「%(other)s」至少填写一项）")
                            % {"label": column.label, "other": spec.by_key[other].label},
                            number,
                            column.key,
                        )
                        failed.add(column.key)
                for rule in spec.rules:
                    for key, message in rule(values, context.today):
                        report(message, number, key)
                        failed.add(key)
                _check_unique(spec, values, failed, first_seen, number, report)
                if failed:
                    continue
                if all(values[key] == example[key] for key in shown):
                    report(_("这是导入模板自带的示例行；请删除后再导入"), number)
                    continue
                valid += 1
                row = ParsedRow(number=number, values=values)
                if units is not None:
                    units.append(row)
                yield row
        except FileError as error:
            report(error.message)
        if not valid and not result.error_count:
            report(_("表头下面没有数据行；请在表头下逐行填写后再导入"))
        if units is not None:
            _check_unit_cycles(units, report)

    return result, valid_rows()


def validate_rows(
    *,
    kind: str,
    header: Iterable[object],
    rows: Iterable[Row],
    today: datetime.date | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    progress: Progress | None = None,
    estimated_rows: int | None = None,
) -> ValidationResult:
    """
    Check every row of a file of `kind` and return the typed records with all problems found:
    missing or doubled columns, bad cells, values that contradict each other, keys repeated in
    the file. Unknown columns are ignored with a warning. At most `max_errors` problems are kept;
    the rest are counted. A FileError raised while reading the rows ends the check as an error.
    `progress`, if given, is called every PROGRESS_EVERY rows with the rows read so far and
    `estimated_rows`.
    """
    result, valid = validate_stream(
        kind=kind,
        header=header,
        rows=rows,
        today=today,
        max_errors=max_errors,
        progress=progress,
        estimated_rows=estimated_rows,
    )
    result.rows = list(valid)
    return result


@contextlib.contextmanager
def validating(
    *,
    kind: str,
    source: Source,
    filename: str = "",
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    today: datetime.date | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    progress: Progress | None = None,
) -> Iterator[tuple[ValidationResult, Iterator[ParsedRow]]]:
    """Open an uploaded .xlsx or .csv and validate it as `kind` as `validate_stream` does, while
    the file stays open; a file that cannot be opened gives its error and no rows."""
    matcher = SPECS[kind].matcher
    with contextlib.ExitStack() as stack:
        try:
            table = stack.enter_context(
                open_table(
                    source=source,
                    filename=filename,
                    is_header=matcher.is_known,
                    sheet=sheet,
                    max_bytes=max_bytes,
                    max_rows=max_rows,
                )
            )
        except FileError as error:
            failed = ValidationResult(
                kind=kind, errors=[Problem(message=error.message)], error_count=1
            )
            yield failed, iter(())
            return
        result, valid = validate_stream(
            kind=kind,
            header=table.header,
            rows=table.rows,
            today=today,
            max_errors=max_errors,
            progress=progress,
            estimated_rows=table.estimated_rows,
        )
        _describe_source(result, table)
        yield result, valid


def validate_file(
    *,
    kind: str,
    source: Source,
    filename: str = "",
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    today: datetime.date | None = None,
    max_errors: int = DEFAULT_MAX_ERRORS,
    progress: Progress | None = None,
) -> ValidationResult:
    """Read an uploaded .xlsx or .csv and validate it as `kind`; file problems become errors."""
    with validating(
        kind=kind,
        source=source,
        filename=filename,
        sheet=sheet,
        max_bytes=max_bytes,
        max_rows=max_rows,
        today=today,
        max_errors=max_errors,
        progress=progress,
    ) as (result, valid):
        result.rows = list(valid)
    return result


def _describe_source(result: ValidationResult, table: Table) -> None:
    result.file_format = table.file_format
    result.encoding = table.encoding
    result.sheet = table.sheet
    result.warnings[:0] = [Problem(message=str(message)) for message in table.warnings]


def _bind_header(
    spec: KindSpec, header: tuple[object, ...], result: ValidationResult
) -> tuple[list[tuple[int, Column]], dict[str, str]]:
    """Return (cell index, column) for each recognised header cell and each key's shown name."""
    bound: list[tuple[int, Column]] = []
    shown: dict[str, str] = {}
    for index, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        name = str(cell).strip()
        key = spec.matcher.match(cell)
        if key is None:
            result.warnings.append(
                Problem(message=_("未识别的列「%(name)s」，已忽略") % {"name": name})
            )
        elif key in shown:
            result.error_count += 1
            result.errors.append(
                Problem(
                    message=_("列「%(name)s」与列「%(first)s」都表示「%(label)s」；请删除其中一列")
                    % {"name": name, "first": shown[key], "label": spec.by_key[key].label}
                )
            )
        else:
            shown[key] = name
            bound.append((index, spec.by_key[key]))
    for column in spec.columns:
        if column.key in shown or not column.required:
            continue
        if column.required_unless is not None and column.required_unless in shown:
            continue
        result.error_count += 1
        result.errors.append(
            Problem(message=_("缺少必填列「%(label)s」") % {"label": column.label})
        )
    return bound, shown


# Value types whose cells repeat down a roster (codes of units, choices, dates, 是/否): their
# text is parsed once per validation run and the outcome reused.
_REPEATING = frozenset({ValueType.CODE, ValueType.CHOICE, ValueType.DATE, ValueType.BOOLEAN})
# Distinct texts remembered per column: a column of unique codes (人员编号) stops filling it.
MEMO_LIMIT = 4096


def _memoized(
    parse: Callable[[object, ParseContext], object],
) -> Callable[[object, ParseContext], object]:
    """PARSE remembering, for text cells, the value or the message of each distinct text.

    For one validation run (one context, so one today); the values are immutable (codes, dates,
    booleans), so handing the same one to many rows is safe.
    """
    memo: dict[str, tuple[object, str | None]] = {}

    def parse_cell(value: object, context: ParseContext) -> object:
        if value.__class__ is not str:
            return parse(value, context)
        known = memo.get(value)  # type: ignore[call-overload]
        if known is None:
            try:
                known = (parse(value, context), None)
            except CellError as error:
                known = (None, error.message)
            if len(memo) < MEMO_LIMIT:
                memo[value] = known  # type: ignore[index]
        if known[1] is not None:
            raise CellError(known[1])
        return known[0]

    return parse_cell


def _parse_row(
    bound: list[tuple[int, Column, Callable[[object, ParseContext], object]]],
    cells: tuple[object, ...],
    context: ParseContext,
) -> tuple[dict[str, object] | None, dict[str, str]]:
    """
    Parse one row's cells into values and problems by column key. A row whose recognised cells
    are all blank gives None for values.
    """
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    width = len(cells)
    blank = 0
    for index, column, parse in bound:
        value = cells[index] if index < width else None
        if value.__class__ is str:
            value = value.strip() or None
        if value is None:
            blank += 1
            if column.required and column.required_unless is None:
                problems[column.key] = _("不能为空")
            else:
                values[column.key] = column.default
            continue
        try:
            if value.__class__ is str:
                if value[0] in "=#":
                    refuse_formula(value)
            elif value.__class__ not in PLAIN_CELL_TYPES:
                refuse_formula(value)
            values[column.key] = parse(value, context)
        except CellError as error:
            problems[column.key] = error.message
    if blank == len(bound):
        return None, problems
    return values, problems


def _example_values(spec: KindSpec, context: ParseContext) -> dict[str, object]:
    """The template's example row as validate_rows would read it back."""
    values = {
        column.key: column.default
        if column.example is None
        else column.parse(column.example, context)
        for column in spec.columns
    }
    for rule in spec.rules:
        rule(values, context.today)
    return values


def _check_unique(
    spec: KindSpec,
    values: dict[str, object],
    failed: set[str],
    first_seen: list[dict[object, int]],
    number: int,
    report: Callable[[str, int | None, str | None], None],
) -> None:
    for keys, seen in zip(spec.unique_keys, first_seen, strict=True):
        if any(key in failed for key in keys):
            continue
        # A key of one column is its value: no tuple per row to keep until the file is read.
        identity = values.get(keys[0]) if len(keys) == 1 else tuple(values.get(k) for k in keys)
        if identity.__class__ is IdNumber:
            identity = identity.number  # type: ignore[union-attr]  (the text, not the record)
        if identity is None or (len(keys) > 1 and None in identity):  # type: ignore[operator]
            continue
        first = seen.setdefault(identity, number)
        if first == number:
            continue
        if len(keys) == 1:
            message = _("与第 %(first)d 行重复") % {"first": first}
        else:
            message = _("与第 %(first)d 行重复（%(labels)s都相同）") % {
                "first": first,
                "labels": "".join(f"「{spec.by_key[key].label}」" for key in keys),
            }
        report(message, number, keys[-1])
        failed.add(keys[-1])


def _check_unit_cycles(
    rows: list[ParsedRow], report: Callable[[str, int | None, str | None], None]
) -> None:
    """Report each loop of 上级单位代码 among the file's units once, on its first row."""
    parents = {row.values["code"]: row.values["parent_code"] for row in rows}
    numbers = {row.values["code"]: row.number for row in rows}
    settled: set[object] = set()
    for start in parents:
        path: list[object] = []
        node: object = start
        while node in parents and node not in settled and node not in path:
            path.append(node)
            node = parents[node]
        if node in path:
            loop = path[path.index(node) :]
            first = min(loop, key=numbers.__getitem__)
            report(
                _("上级单位关系形成循环：%(loop)s；请核对上级单位代码")
                % {"loop": " → ".join(str(code) for code in [*loop, loop[0]])},
                numbers[first],
                "parent_code",
            )
        settled.update(path)
