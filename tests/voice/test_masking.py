"""PII masking against the evasions of issue 8 item 12, as a writer on the board would try them."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.core.textmask import ID_MASK, NAME_MASK, PHONE_MASK, mask_pii

NAMES = ["郭志明", "李娜"]


@pytest.mark.parametrize(
    ("text", "hidden", "mask"),
    [
        ("郭 志明又加班了", "志明", NAME_MASK),
        ("郭\u200b志明又加班了", "志明", NAME_MASK),
        ("郭　志　明不管事", "志", NAME_MASK),
        ("郭.志.明不管事", "志", NAME_MASK),
        ("电话138.0013.8000", "8000", PHONE_MASK),
        ("电话 1 3 8 0 0 1 3 8 0 0 0", "1 3 8", PHONE_MASK),
        ("电话一三八零零一三八零零零", "一三八", PHONE_MASK),
        ("电话幺三八〇〇幺三八〇〇〇", "幺三八", PHONE_MASK),
        ("身份证 4401 0619 9003 0712 34", "0712", ID_MASK),
        ("身份证440106-19900307-1234", "19900307", ID_MASK),
        ("身份证 4401\u200b0619 9003 0712 3X", "0619", ID_MASK),
    ],
)
def test_evasions_are_masked(text, hidden, mask) -> None:
    """Spaces, zero-width characters, dots, Chinese numerals and grouping do not get a name,
    phone or ID number past the mask."""
    masked = mask_pii(text, names=NAMES)
    assert hidden not in masked and mask in masked, masked


@pytest.mark.parametrize(
    "text", ["2026年12月1日开会", "共有 3 个单位 12 人", "2020.01.01 至 2020.12.31", "郭 明天来"]
)
def test_ordinary_numbers_and_words_stay(text) -> None:
    """Dates, counts and words that only look like part of a name are left alone."""
    assert mask_pii(text, names=NAMES) == text


@given(st.lists(st.sampled_from([" ", "\u200b", ".", "-", "\u3000", ""]), min_size=10, max_size=10))
def test_a_mobile_number_never_survives_any_separators(gaps) -> None:
    """Whatever single separators sit between its digits, the number is masked."""
    digits = "13800138000"
    text = "请打" + "".join(d + g for d, g in zip(digits, [*gaps, ""], strict=True)) + "找我"
    masked = mask_pii(text)
    assert PHONE_MASK in masked and "0013" not in masked.replace(" ", "")
