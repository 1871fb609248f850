"""The DBA reads the SQLite write-ahead log itself (issue 8): nothing in it pairs a response or a
board post with a person or a code.

A file-backed SQLite database in WAL mode, as `make run` keeps it: a wave is opened with paper
slips, the log is emptied (a checkpoint), then a cadre signs in and posts on the 心声 board and
respondents answer through the answer page. Before any checkpoint the test copies the raw
``-wal`` file and the main file, parses the log's frames, groups them into transactions
(a commit frame records the database size) and names the table of every page it wrote (from
SQLite's ``dbstat``). It proves that:

- a submission's transaction writes only the anonymous tables (spent codes, responses, their
  results): no slip row, no session, no user, no audit or sign-in row;
- no frame anywhere holds a code in clear, and a submission's frames hold neither the digest
  a slip is looked up by nor its encrypted code, so that the spent hash beside the response
  cannot be matched with a slip without the deployment key;
- the post's transaction writes only the board's table and holds nothing of its author;
- after the re-shuffle and its checkpoint the log is empty and the main file holds each answer
  once, in an order unrelated to the order of submission.

What the log still shows before the re-shuffle, the order of transactions (a sign-in followed
by a post), is the window docs/privacy.md states.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import json, os, struct, sys, types
from pathlib import Path

folder = Path(sys.argv[1])
os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'zj.sqlite3'}"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django

django.setup()
from django.core.management import call_command

call_command("migrate", verbosity=0)
import datetime

from django.db import connection
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.voice.conftest import codes_by_group, form_data, open_wave, staff, submit
from zhongjian.accounts.roles import Role
from zhongjian.org.choices import Tier
from zhongjian.voice.anonymity import anonymous_tables_shuffle, storage_tidy
from zhongjian.voice.models import WaveToken
from zhongjian.voice.services.answering import spent_digest
from zhongjian.voice.services.waves import format_token

county = factories.county(name="日志县")
unit = factories.unit(county=county, name="青石镇")
people = staff(unit, 24, tier=Tier.GENERAL, birth=datetime.date(1990, 5, 1))
org = factories.user(role=Role.ORG_DEPARTMENT, county=county)
author = factories.user(role=Role.CADRE, county=county, unit=unit, cadre=people[0])
wave = open_wave(types.SimpleNamespace(personas=types.SimpleNamespace(org=org), units=[unit.pk]))
codes = [code for group in codes_by_group(wave).values() for code in group][:24]
tokens = list(WaveToken.objects.filter(wave=wave).values_list("digest", "cipher"))
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

poster = Client()
poster.force_login(author)  # the sign-in writes the user's row (last_login) and axes' log
posted = poster.post(
    reverse("voice:board_new"),
    {"category": "burden", "title": "报表太多了", "body": "帖子标记：每周都要填很多重复的表格。"},
)
assert posted.status_code == 302, posted.status_code
for index, code in enumerate(codes):
    data = form_data(wave, 0.5, comment=f"作答标记{index:02d}号")
    assert submit(Client(), code, data).status_code == 302

db = folder / "zj.sqlite3"
wal = (folder / "zj.sqlite3-wal").read_bytes()  # before any checkpoint: the connection is open
main = db.read_bytes()
with connection.cursor() as cursor:
    cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
    owner = dict(cursor.fetchall())
    cursor.execute("SELECT name, pageno FROM dbstat")
    table_of = {page: owner.get(name, name) for name, page in cursor.fetchall()}

# The WAL format: a 32-byte header (page size at 8), then frames of a 24-byte header (page
# number, database size after a commit or 0, the header's salts) and one page.
page_size = struct.unpack(">I", wal[8:12])[0]
salts = wal[16:24]
transactions, current, offset = [], [], 32
while offset + 24 + page_size <= len(wal):
    page, size = struct.unpack(">II", wal[offset : offset + 8])
    if wal[offset + 8 : offset + 16] != salts:
        break  # a frame left from before the last reset
    data = wal[offset + 24 : offset + 24 + page_size]
    current.append((page, data))
    if size:
        transactions.append(current)
        current = []
    offset += 24 + page_size


def summary(frames):
    blob = b"".join(data for _page, data in frames)
    return {
        "tables": sorted({table_of.get(page, "?") for page, _data in frames}),
        "posts": blob.count("帖子标记".encode()),
        "answers": [i for i in range(len(codes)) if f"作答标记{i:02d}号".encode() in blob],
        "token_digests": sum(digest.encode() in blob for digest, _cipher in tokens),
        "token_ciphers": sum(cipher.encode() in blob for _digest, cipher in tokens if cipher),
        "author": [
            text for text in (author.username, f'"_auth_user_id":"{author.pk}"')
            if text.encode() in blob
        ],
    }


everything = wal + main
clear = [
    code for code in codes
    if code.encode() in everything or format_token(code).encode() in everything
]
spent_elsewhere = 0
for code in codes:
    hashed = spent_digest(code).encode()
    spent_elsewhere += sum(
        hashed in data and table_of.get(page) != "voice_spenttoken"
        for frames in transactions for page, data in frames
    )
anonymous_tables_shuffle()
storage_tidy()
wal_after = (folder / "zj.sqlite3-wal").stat().st_size
main_after = db.read_bytes()
positions = [main_after.find(f"作答标记{i:02d}号".encode()) for i in range(len(codes))]
counts = [main_after.count(f"作答标记{i:02d}号".encode()) for i in range(len(codes))]
print(json.dumps({
    "transactions": [summary(frames) for frames in transactions],
    "codes_in_clear": clear,
    "spent_hash_outside_its_table": spent_elsewhere,
    "wal_bytes_after_shuffle": wal_after,
    "positions_after_shuffle": positions,
    "copies_after_shuffle": counts,
    "submitted": len(codes),
}))
"""

ANONYMOUS = {"voice_spenttoken", "voice_response", "voice_instrumentresult"}
# Page 1: the file header (page count, change counter) and the schema, rewritten whenever the
# file grows; it holds no row of any table.
HEADER = "sqlite_schema"
# A board post's key is an integer (its address /voice/board/<id>/), counted in sqlite_sequence.
SEQUENCE = "sqlite_sequence"


def _spearman(order: list[int]) -> float:
    n = len(order)
    ranks = {value: rank for rank, value in enumerate(sorted(order))}
    d = sum((index - ranks[value]) ** 2 for index, value in enumerate(order))
    return 1 - 6 * d / (n * (n * n - 1))


def test_the_raw_wal_pairs_no_response_or_post_with_a_person_or_code(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    transactions = found["transactions"]
    # A transaction rewrites whole pages, so it holds the earlier answers of its page as well:
    # the answers it adds are those no earlier transaction held.
    seen: set[int] = set()
    answering = []
    for transaction in transactions:
        added = set(transaction["answers"]) - seen
        seen |= added
        if added:
            answering.append((transaction, added))
    # Every submission is its own transaction, found in the log (the attack has its material).
    assert sorted(i for _t, added in answering for i in added) == list(range(found["submitted"]))
    for transaction, added in answering:
        assert len(added) == 1
        assert set(transaction["tables"]) - {HEADER} <= ANONYMOUS, transaction["tables"]
        assert transaction["token_digests"] == 0 and transaction["token_ciphers"] == 0
        assert transaction["author"] == [] and transaction["posts"] == 0
    (post,) = [t for t in transactions if t["posts"]]
    assert set(post["tables"]) - {HEADER, SEQUENCE} == {"voice_boardpost"}, post["tables"]
    assert post["author"] == []
    # Sessions are signed cookies: no transaction in the log ever wrote a session row.
    assert not any("django_session" in t["tables"] for t in transactions)
    assert found["codes_in_clear"] == []
    assert found["spent_hash_outside_its_table"] == 0
    # After the re-shuffle and its checkpoint: an empty log, each answer once in the main file,
    # in an order unrelated to the order of submission.
    assert found["wal_bytes_after_shuffle"] == 0
    assert found["copies_after_shuffle"] == [1] * found["submitted"]
    positions = found["positions_after_shuffle"]
    order = sorted(range(len(positions)), key=positions.__getitem__)
    assert abs(_spearman(order)) < 0.95
