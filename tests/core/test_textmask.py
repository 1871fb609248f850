"""Masking of personal data in free text before it is stored."""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.core.textmask import (
    EMAIL_MASK,
    ID_MASK,
    NAME_MASK,
    PHONE_MASK,
    NameMatcher,
    mask_pii,
    name_matcher,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证110101199003071234请核实", f"身份证{ID_MASK}请核实"),
        ("号码 11010119900307123X。", f"号码 {ID_MASK}。"),
        ("老证 110101900307123 作废", f"老证 {ID_MASK} 作废"),
        ("电话13812345678", f"电话{PHONE_MASK}"),
        ("打 138 1234 5678 找我", f"打 {PHONE_MASK} 找我"),
        ("手机：+86-139-1234-5678", f"手机：{PHONE_MASK}"),
        ("全角１３８１２３４５６７８", f"全角{PHONE_MASK}"),
        ("办公室 0851-1234567 转", f"办公室 {PHONE_MASK} 转"),
        ("(0571)87654321", PHONE_MASK),
        ("总机010-12345678-8001", f"总机{PHONE_MASK}"),
        ("邮箱 zhang.san@example.gov.cn 联系", f"邮箱 {EMAIL_MASK} 联系"),
        ("13812345678@qq.com", EMAIL_MASK),
    ],
)
def test_numbers_and_addresses_are_masked(text: str, expected: str) -> None:
    """ID numbers, mobile and landline numbers in their usual spellings, and e-mail are masked."""
    assert mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2024年完成任务123项", "编号1381234567890123456789", "预算 12345678 元", "第3季度"],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    """Counts, amounts and long numbers that are no phone or ID number stay as written."""
    assert mask_pii(text) == text


def test_registered_names_are_masked_longest_first() -> None:
    """The longest registered name wins where names overlap; each is masked as ＊＊."""
    text = "欧阳小明和王平反映，王平安也同意"
    assert mask_pii(text, names=["欧阳小明", "欧阳", "王平"]) == (
        f"{NAME_MASK}和{NAME_MASK}反映，{NAME_MASK}安也同意"
    )


def test_names_that_are_not_chinese_are_ignored() -> None:
    """Single characters and Latin strings are no registered names and mask nothing."""
    assert mask_pii("王说ok", names=["王", "ok"]) == "王说ok"
    assert len(NameMatcher(["王", "ok", "李四", "阿依·买买提"])) == 2


def test_matchers_are_built_once_per_version() -> None:
    """The names are loaded only for a version not seen before."""
    loads = []

    def load() -> list[str]:
        loads.append(1)
        return ["张三丰"]

    first = name_matcher(version=("test", 1), load_names=load)
    again = name_matcher(version=("test", 1), load_names=load)
    newer = name_matcher(version=("test", 2), load_names=lambda: ["李四"])
    assert first is again and len(loads) == 1
    assert mask_pii("张三丰和李四", names=newer) == f"张三丰和{NAME_MASK}"


def test_three_hundred_thousand_names_scan_fast() -> None:
    """A province's 300 k names build once and a 2,000-character text is scanned in well under a
    second (a generous bound for a shared machine; typical runs take a few milliseconds)."""
    surnames = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
        "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    )
    given_chars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫林波斌宇浩凯晨欣怡佳"
    two = [s + a for s in surnames for a in given_chars]
    three = [name + b for name in two for b in given_chars]
    four = [name + c for name in three[:5_000] for c in given_chars]
    names = two + three + four
    assert len(names) > 300_000
    matcher = NameMatcher(names)
    text = ("乡镇工作压力很大，填表报数太多。" * 120)[:2000] + names[123_456]
    start = time.perf_counter()
    masked = matcher.mask(text)
    assert time.perf_counter() - start < 1.0
    assert masked.endswith(NAME_MASK)


CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
# Free text without digits or '@': it can hold no ID, phone or e-mail.
PLAIN = st.text(
    alphabet=st.one_of(CHINESE, st.sampled_from("，。！？、 abcXYZ（）《》\n")), max_size=40
)
DIGIT_FREE = st.text(alphabet=st.one_of(CHINESE, st.sampled_from("，。！？ ")), max_size=12)


@given(PLAIN)
def test_text_without_personal_data_is_unchanged(text: str) -> None:
    """Without digits, '@' or a registered name nothing is masked."""
    assert mask_pii(text) == text


@given(PLAIN, st.lists(st.text(alphabet=CHINESE, min_size=2, max_size=4), max_size=5))
def test_text_without_the_names_is_unchanged(text: str, names: list[str]) -> None:
    """Registered names that do not occur in the text change nothing."""
    if not any(name in text for name in names):
        assert mask_pii(text, names=names) == text


phones = st.builds(
    lambda second, rest, sep: f"1{second}{rest[:1]}{sep}{rest[1:5]}{sep}{rest[5:]}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.sampled_from(["", " ", "-"]),
)
ids = st.builds(
    lambda body, last: body + last,
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.sampled_from("0123456789X"),
) | st.text(alphabet="0123456789", min_size=15, max_size=15)
emails = st.builds(
    lambda user, host: f"{user}@{host}.cn",
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=10),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8),
)


@given(DIGIT_FREE, st.one_of(phones, ids, emails), DIGIT_FREE)
def test_masked_text_never_contains_the_number(before: str, secret: str, after: str) -> None:
    """Whatever surrounds it, an ID number, phone number or e-mail address does not survive."""
    masked = mask_pii(before + secret + after)
    assert secret not in masked
    assert secret.replace(" ", "").replace("-", "") not in masked.replace(" ", "")


@given(
    st.lists(st.text(alphabet=CHINESE, min_size=2, max_size=4), min_size=1, max_size=6),
    st.lists(st.one_of(PLAIN, st.integers(0, 5)), max_size=8),
)
def test_masked_text_never_contains_a_name(names: list[str], parts: list[object]) -> None:
    """Text built from registered names and anything else keeps none of the names."""
    text = "".join(names[part % len(names)] if isinstance(part, int) else part for part in parts)
    masked = mask_pii(text, names=names)
    assert not any(name in masked for name in names)
