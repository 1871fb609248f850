"""Screening of board text before storage: personal data masked, attacks held for review."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhongjian.core.textmask import NameMatcher, mask_pii
from zhongjian.voice.search import normalize

# Insults and abuse that hold a post for the organization department's review. Criticism of
# work, policies or "领导" in general is what the board is for and is not on this list.
ATTACK_WORDS = (
    "傻逼",
    "煞笔",
    "傻b",
    "混蛋",
    "王八蛋",
    "去死",
    "滚蛋",
    "人渣",
    "贱人",
    "畜生",
    "脑残",
    "白痴",
    "蠢货",
    "狗官",
    "狗东西",
    "不要脸",
    "他妈的",
    "妈的",
    "操你",
    "废物",
)


@dataclass(frozen=True)
class Screening:
    text: str  # with personal data masked
    reasons: tuple[str, ...]  # why it is held; empty when it may be published at once


def screen_text(text: str, *, names: NameMatcher) -> Screening:
    """``text`` with registered names, phone and ID numbers masked, and the reasons to hold it."""
    masked = mask_pii(text, names=names)
    reasons = []
    if masked != text:
        reasons.append(_("含个人信息（姓名、电话、身份证号等），已自动遮盖"))
    folded = normalize(text)
    if any(word in folded for word in ATTACK_WORDS):
        reasons.append(_("疑似人身攻击或不文明用语"))
    return Screening(text=masked, reasons=tuple(reasons))
