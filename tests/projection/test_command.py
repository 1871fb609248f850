"""`zhongjian project`: textbook output from CSV files, and every bad input as a Chinese message."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.projection.csvfiles import InputError, read_matrix

P_CSV = "从\\到,junior,middle,senior\njunior,0.6,0.2,0\nmiddle,0,0.7,0.1\nsenior,0,0,0.8\n"
N0_CSV = "state,count\njunior,100\nmiddle,50\nsenior,20\n"
R_CSV = "state,count\njunior,10\n"


def run(tmp_path: Path, *args: str, **files: str) -> subprocess.CompletedProcess:
    defaults = {"P.csv": P_CSV, "n0.csv": N0_CSV, "R.csv": R_CSV}
    for name, text in {**defaults, **{k.replace("_", "."): v for k, v in files.items()}}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "zhongjian.cli", "project", *args]
    return subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(Path.cwd()),
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "sqlite:///:memory:",
        },
    )


BASIC = ("--transitions", "P.csv", "--stocks", "n0.csv", "--years", "1")


def test_json_one_step(tmp_path: Path) -> None:
    """The JSON holds states and periods with the exact expected stocks, leavers and recruits."""
    done = run(tmp_path, *BASIC, "--recruits", "R.csv", "--fundamental")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["states"] == ["junior", "middle", "senior"]
    assert document["periods"] == [
        {
            "t": 1,
            "stocks": {"junior": 70.0, "middle": 55.0, "senior": 21.0},
            "leavers": {"junior": 20.0, "middle": 10.0, "senior": 4.0},
            "recruits": {"junior": 10.0, "middle": 0.0, "senior": 0.0},
        }
    ]
    assert document["fundamental"]["matrix"]["junior"]["junior"] == 2.5


def test_monte_carlo_intervals_and_table(tmp_path: Path) -> None:
    """--runs adds 5/50/95 % intervals, the same for the same seed; --format table prints."""
    args = (*BASIC, "--replace-leavers", "--recruit-dist", "r.csv", "--runs", "200", "--seed", "5")
    one = run(tmp_path, *args, r_csv="junior,1\n")
    two = run(tmp_path, *args, r_csv="junior,1\n")
    assert one.returncode == 0, one.stderr
    intervals = json.loads(one.stdout)["monte_carlo"]["intervals"]
    assert intervals == json.loads(two.stdout)["monte_carlo"]["intervals"]
    assert (
        intervals[0]["p5"]["junior"]
        <= intervals[0]["p50"]["junior"]
        <= intervals[0]["p95"]["junior"]
    )
    table = run(tmp_path, *args, "--format", "table", r_csv="junior,1\n")
    assert "期末人数" in table.stdout and "蒙特卡洛" in table.stdout


@pytest.mark.parametrize(
    ("files", "extra", "expected"),
    [
        ({"P_csv": P_CSV.replace("0.7", "abc")}, (), "P.csv 第 3 行 第 3 列：“abc”不是数字"),
        ({"P_csv": P_CSV.replace("0.7", "-0.1")}, (), "P.csv 第 3 行 第 3 列：转移概率不能为负数"),
        (
            {"P_csv": P_CSV.replace("0.7,0.1", "0.9,0.2")},
            (),
            "P.csv 第 3 行：状态“middle”一行的概率之和为 1.1",
        ),
        (
            {"P_csv": P_CSV.replace("senior,0,0,0.8\n", "")},
            (),
            "P.csv 第 1 列：缺少状态“senior”的行",
        ),
        (
            {"n0_csv": N0_CSV.replace("senior", "boss")},
            (),
            "n0.csv 第 4 行 第 1 列：状态“boss”不在转移矩阵的状态中",
        ),
        ({"n0_csv": "state,count\njunior,100\nmiddle,50\n"}, (), "n0.csv：缺少状态“senior”"),
        ({"n0_csv": N0_CSV.replace("50", "五十")}, (), "n0.csv 第 3 行 第 2 列：“五十”不是数字"),
        (
            {"R_csv": "state,count\nboss,3\n"},
            (),
            "R.csv 第 2 行 第 1 列：状态“boss”不在转移矩阵的状态中",
        ),
        ({"P_csv": ""}, (), "P.csv：文件为空"),
    ],
)
def test_bad_input_is_a_chinese_message_with_exit_code_2(
    tmp_path: Path, files: dict, extra: tuple, expected: str
) -> None:
    """Each bad file is named with its row and column, exit code 2 and no traceback."""
    done = run(tmp_path, *BASIC, "--recruits", "R.csv", *extra, **files)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file_and_missing_recruitment(tmp_path: Path) -> None:
    """A file that does not exist, or no recruitment given, is exit code 2 in Chinese."""
    done = run(
        tmp_path,
        "--transitions",
        "nope.csv",
        "--stocks",
        "n0.csv",
        "--years",
        "1",
        "--recruits",
        "R.csv",
    )
    assert done.returncode == 2 and "nope.csv：文件不存在" in done.stderr
    done = run(tmp_path, *BASIC)
    assert done.returncode == 2 and "--recruits" in done.stderr and "Traceback" not in done.stderr


def test_gb18030_file_is_read(tmp_path: Path) -> None:
    """A matrix saved by Excel on a Chinese PC (GB18030) reads like UTF-8."""
    path = tmp_path / "gbk.csv"
    path.write_bytes("从\\到,正科\n正科,0.9\n".encode("gb18030"))
    states, matrix = read_matrix(path)
    assert states == ("正科",) and matrix[0, 0] == 0.9


@given(st.text(max_size=200))
def test_any_text_reads_or_raises_input_error(text: str) -> None:
    """Whatever the content, the reader returns a matrix or raises InputError, nothing else."""
    try:
        states, matrix = read_matrix(text.encode("utf-8"), name="x.csv")
    except InputError as exc:
        assert exc.message.startswith("文件 x.csv")
    else:
        assert matrix.shape == (len(states), len(states))
