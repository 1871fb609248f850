"""Excel import of cadre rows versus openpyxl alone reading the same file.

The file is written as Excel writes it (shared strings, dates as serials with a date style, the
sheet's <dimension> before its rows) once under bench/out/ and reused. The baseline is openpyxl's
read-only read of every value with the cyclic garbage collector off, as the import runs; it is
checked to read as many rows as the import creates. Contenders run interleaved in shuffled
rounds (bench.common.interleaved); the county is emptied, untimed, before each import.

- BENCH_IMPORT_ROWS rows (default 100000) for BENCH_IMPORT_ROUNDS rounds (default 5: a round
  takes half a minute or more), then BENCH_IMPORT_SMALL_ROWS rows (default 20000; 0 skips it) for
  BENCH_IMPORT_SMALL_ROUNDS rounds (default and minimum 20), with the dry run and the re-import
  of an already imported file beside them.
- Peak RSS of openpyxl's read and of the full import of the large file, each in a fresh child
  process (its VmHWM), not tracemalloc.

Target: the full import ≤ 2 × openpyxl, peak RSS ≤ 2 × openpyxl's. The database is
`zhongjian_bench_import` on PostgreSQL when it answers, else var/ SQLite (BENCH_DATABASE_URL
overrides), and is recreated on every run.
"""

import datetime
import gc
import os
import random
import statistics
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

from bench.common import (
    ROOT,
    current_rss_mb,
    interleaved,
    line,
    p95,
    peak_rss_mb,
    reset_database,
    setup_django,
    verdict,
)

HEADER = [
    "人员编号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "学历",
    "政治面貌",
    "编制类型",
    "参加工作时间",
    "到基层工作时间",
    "职级",
    "所在单位代码",
    "身份证号",
    "是否工勤",
]
DATE_COLUMNS = {3, 8, 9}
EPOCH = datetime.date(1899, 12, 30)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def relationships(targets: dict[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{index}" Type="{RELATIONSHIP}/{kind}" Target="{target}"/>'
        for index, (kind, target) in enumerate(targets.items(), start=1)
    )
    return f'{XML}<Relationships xmlns="{PACKAGE}/relationships">{items}</Relationships>'


CONTENT_TYPES = {
    "/xl/workbook.xml": "sheet.main+xml",
    "/xl/worksheets/sheet1.xml": "worksheet+xml",
    "/xl/styles.xml": "styles+xml",
    "/xl/sharedStrings.xml": "sharedStrings+xml",
}
PARTS = {
    "[Content_Types].xml": (
        f'{XML}<Types xmlns="{PACKAGE}/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Override PartName="{part}" ContentType="{SPREADSHEET}.{kind}"/>'
            for part, kind in CONTENT_TYPES.items()
        )
        + "</Types>"
    ),
    "_rels/.rels": relationships({"officeDocument": "xl/workbook.xml"}),
    "xl/workbook.xml": (
        f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIP}">'
        '<sheets><sheet name="干部" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": relationships(
        {
            "worksheet": "worksheets/sheet1.xml",
            "styles": "styles.xml",
            "sharedStrings": "sharedStrings.xml",
        }
    ),
    "xl/styles.xml": (
        f'{XML}<styleSheet xmlns="{MAIN}">'
        '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
        "</cellStyles></styleSheet>"
    ),
}


def column_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOP"[index]


def id_number(birth: datetime.date, male: bool, index: int) -> str:
    # Region and sequence both come from the row index, so no two rows share a number.
    region, sequence = 320000 + index % 10_000, index // 10_000 % 100
    first17 = f"{region}{birth:%Y%m%d}{sequence:02d}{(index % 4) * 2 + (1 if male else 2)}"
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def cadre_row(index: int, rng: random.Random) -> list[object]:
    birth = datetime.date(1963, 1, 1) + datetime.timedelta(days=rng.randrange(13_000))
    work = birth.replace(day=1, year=birth.year + 18) + datetime.timedelta(
        days=rng.randrange(3_000)
    )
    grassroots = (
        work + datetime.timedelta(days=rng.randrange(2_000)) if rng.random() < 0.6 else None
    )
    male = rng.random() < 0.6
    return [
        f"GB{index:06d}",
        rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
        "男" if male else "女",
        birth,
        rng.choice(["汉族"] * 9 + ["壮族", "回族", "苗族"]),
        rng.choice(["研究生", "大学本科", "大学本科", "大学专科", "中专及以下"]),
        rng.choice(["中共党员", "中共党员", "中共党员", "群众", "民主党派", "共青团员"]),
        rng.choice(["行政", "参公", "事业"]),
        work if work < datetime.date(2025, 1, 1) else datetime.date(2024, 12, 1),
        grassroots if grassroots and grassroots < datetime.date(2025, 1, 1) else None,
        rng.choice([None, "二级科员", "一级科员", "四级主任科员", "一级主任科员", "二级调研员"]),
        f"U{rng.randrange(400):04d}",
        id_number(birth, male, index) if rng.random() < 0.5 else None,
        rng.choice(["否"] * 9 + ["是"]),
    ]


def write_excel_like(path: Path, rows: int, seed: int) -> None:
    """
    Write an .xlsx the way Excel does (shared strings, dates as serials with a date style),
    which is the file openpyxl reads fastest; openpyxl's own writer uses slower inline strings.
    """
    rng = random.Random(seed)
    strings: dict[str, int] = {}

    def shared(text: str) -> int:
        return strings.setdefault(text, len(strings))

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            # Excel always writes the sheet's <dimension> before its rows; without it openpyxl
            # parses the whole sheet once to find its size before reading it.
            last = f"{column_letter(len(HEADER) - 1)}{rows + 1}"
            sheet.write(
                f'{XML}<worksheet xmlns="{MAIN}"><dimension ref="A1:{last}"/><sheetData>'.encode()
            )
            for number in range(1, rows + 2):
                values = HEADER if number == 1 else cadre_row(number - 1, rng)
                cells = []
                for index, value in enumerate(values):
                    ref = f"{column_letter(index)}{number}"
                    if value is None:
                        continue
                    if isinstance(value, datetime.date):
                        cells.append(f'<c r="{ref}" s="1"><v>{(value - EPOCH).days}</v></c>')
                    else:
                        cells.append(f'<c r="{ref}" t="s"><v>{shared(str(value))}</v></c>')
                sheet.write(f'<row r="{number}">{"".join(cells)}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
        items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'{XML}<sst xmlns="{MAIN}" uniqueCount="{len(strings)}">{items}</sst>',
        )


def read_with_openpyxl(path: Path) -> int:
    """The baseline: openpyxl alone reads every value of the sheet (read-only, values only),
    with the cyclic garbage collector off as during an import. Returns the non-empty data rows."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
        rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
        count = sum(1 for cells in rows if any(cell is not None for cell in cells))
        workbook.close()
    finally:
        if enabled:
            gc.enable()
    return count


def prepare_county(code: str = "990001") -> tuple[object, object]:
    """A county with the 400 units the file's rows name, and its organization department."""
    from zhongjian.accounts.models import User
    from zhongjian.accounts.roles import Role
    from zhongjian.org.models import County, Unit

    county = County.objects.create(code=code, name=f"基准县{code}")
    Unit.objects.bulk_create(
        Unit(county=county, code=f"U{n:04d}", name=f"单位{n}", kind="township") for n in range(400)
    )
    actor = User.objects.create(
        username=f"bench-org-{code}", role=Role.ORG_DEPARTMENT, county=county
    )
    return county, actor


def full_import(
    path: Path, county: object, actor: object, *, dry_run: bool = False
) -> tuple[int, int, int]:
    """The import as a job runs it: read, validate, match, and (unless DRY_RUN) write."""
    from zhongjian.dataio.services import import_file

    outcome = import_file(
        actor=actor, county=county, kind="cadres", source=path, filename=path.name, dry_run=dry_run
    )
    if not outcome.ok:
        sys.exit("benchmark file did not import:\n" + "\n".join(map(str, outcome.errors[:10])))
    return outcome.created, outcome.updated, outcome.unchanged


def clear_county(county: object) -> None:
    """Delete the county's cadres (none has anything attached) and tidy the table."""
    from django.db import connection

    from zhongjian.org.models import Cadre

    Cadre.objects.filter(county=county)._raw_delete(Cadre.objects.db)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE org_cadre")


def bench_file(rows: int) -> Path:
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    # "-dim": files of earlier versions of this bench lack the <dimension> element.
    path = out / f"cadres-{rows}-dim.xlsx"
    if not path.exists():
        write_excel_like(path, rows, seed=2025)
    return path


def compare(rows: int, rounds: int, *, why: str, with_others: bool) -> None:
    """Time the import of a ROWS-row file against openpyxl's read of it, interleaved."""
    path = bench_file(rows)
    county, actor = prepare_county(f"99{rows // 1000 % 10_000:04d}")
    print(
        f"-- {rows} rows ({path.stat().st_size / 1024 / 1024:.1f} MB), {rounds} rounds ({why})",
        flush=True,
    )
    read = read_with_openpyxl(path)
    clear_county(county)
    created = full_import(path, county, actor)
    # Both read the same rows: the baseline counts every non-empty data row, the import creates
    # one cadre per row.
    if created != (read, 0, 0) or read != rows:
        sys.exit(f"openpyxl read {read} rows, the import gave {created}: not the same work")
    contenders: dict[str, Callable[[], object]] = {
        "openpyxl read (gc off)": lambda: read_with_openpyxl(path),
        "full import (new cadres)": lambda: full_import(path, county, actor),
    }
    setup: dict[str, Callable[[], object]] = {
        "full import (new cadres)": lambda: clear_county(county)
    }
    if with_others:
        again_county, again_actor = prepare_county(f"98{rows // 1000 % 10_000:04d}")
        full_import(path, again_county, again_actor)

        def reimport() -> None:
            if full_import(path, again_county, again_actor) != (0, 0, rows):
                sys.exit("re-importing the same file changed something")

        contenders["check only (dry run)"] = lambda: full_import(path, county, actor, dry_run=True)
        setup["check only (dry run)"] = lambda: clear_county(county)
        contenders["re-import (all unchanged)"] = reimport
    samples = interleaved(contenders, rounds, setup=setup)
    base = statistics.median(samples["openpyxl read (gc off)"])
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{line(name, values, 28)}   {rows / median:9,.0f} rows/s   {median / base:.2f}×")
    imported = samples["full import (new cadres)"]
    print(verdict("full import / openpyxl (median)", statistics.median(imported) / base, 2, "×"))
    print(
        verdict(
            "full import / openpyxl (p95)",
            p95(imported) / p95(samples["openpyxl read (gc off)"]),
            2,
            "×",
        )
    )
    clear_county(county)


def peak(contender: str, rows: int) -> None:
    """In a process of its own: run one contender once, print its RSS before and at the peak."""
    path = bench_file(rows)
    if contender == "openpyxl":
        before = current_rss_mb()
        read_with_openpyxl(path)
    else:
        setup_django(prefer_postgres=True, name="zhongjian_bench_import")
        from zhongjian.accounts.models import User

        actor = User.objects.get(username=f"bench-org-97{rows // 1000 % 10_000:04d}")
        clear_county(actor.county)
        gc.collect()
        before = current_rss_mb()
        full_import(path, actor.county, actor)
    print(f"{before:.1f} {high_water_mb():.1f}")


def high_water_mb() -> float:
    """Peak RSS of this process's own memory (VmHWM). Not ru_maxrss: Linux carries a process's
    ru_maxrss across fork and exec, so a child of a large parent would report the parent's."""
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return peak_rss_mb()


def peaks(rows: int, database_url: str) -> None:
    """Peak RSS of openpyxl's read and of the full import, each in a fresh child process."""
    prepare_county(f"97{rows // 1000 % 10_000:04d}")
    figures = {}
    for contender in ("openpyxl", "import"):
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_dataio_import", "--peak", contender, str(rows)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "BENCH_DATABASE_URL": database_url},
        )
        before, top = map(float, child.stdout.split()[-2:])
        figures[contender] = (before, top)
    for contender, (before, top) in figures.items():
        label = "openpyxl read (gc off)" if contender == "openpyxl" else "full import"
        print(
            f"peak RSS, {label:<24} {top:7.1f} MB  (process before the work {before:6.1f} MB, "
            f"added {top - before:6.1f} MB)"
        )
    ratio = figures["import"][1] / figures["openpyxl"][1]
    print(verdict(f"peak RSS import / openpyxl ({rows} rows, whole process)", ratio, 2, "×"))


def main() -> None:
    database = setup_django(prefer_postgres=True, name="zhongjian_bench_import")
    reset_database()
    url = os.environ["DATABASE_URL"]
    print(f"database: {database}")
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    rounds = int(os.environ.get("BENCH_IMPORT_ROUNDS", "5"))
    small = int(os.environ.get("BENCH_IMPORT_SMALL_ROWS", "20000"))
    compare(
        rows,
        rounds,
        why="fewer than 20: one round of the full-size file takes half a minute or more; "
        "the 20-round run below is at a smaller size",
        with_others=False,
    )
    if small:
        compare(small, ROUNDS_SMALL, why="interleaved, shuffled", with_others=True)
    peaks(rows, url)


ROUNDS_SMALL = max(20, int(os.environ.get("BENCH_IMPORT_SMALL_ROUNDS", "20")))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--peak"]:
        peak(sys.argv[2], int(sys.argv[3]))
    else:
        main()
