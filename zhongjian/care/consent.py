"""The consent texts a cadre agrees to (单独同意); a changed text gets a new version."""

from django.utils.translation import gettext_lazy as _

from zhongjian.care.choices import ConsentPurpose

CONSENT = {
    ConsentPurpose.COUNSELING: (
        "2026-1",
        _(
            "我同意心理疏导员为我提供保密的心理疏导服务，并为此处理我的姓名、单位、求助主题、"
            "联系方式偏好和我填写的描述。这些信息属于敏感个人信息，仅用于本次心理疏导，"
            "只有分配给我的疏导员能看到谈话记录；组织部和单位负责人看不到我的个案、主题和记录，"
            "这些信息不会进入干部档案，也不会用于考察、考核或选拔任用。"
            "我可以随时在“心理疏导”页面撤回同意，撤回后个案即结束；结案后我可以申请删除，"
            "未申请的个案在结案三年后自动删除。"
        ),
    ),
    ConsentPurpose.SCREENING: (
        "2026-1",
        _(
            "我同意填写心理量表（PHQ-9 抑郁症状、GAD-7 焦虑症状），结果只保存在我的个案中，"
            "只供分配给我的疏导员了解情况、安排跟进，不出现在任何统计或报告中。"
            "量表结果提示有危险时，疏导员会当天与我联系。我可以拒绝填写，不影响疏导服务。"
        ),
    ),
}


def consent_for(purpose: str) -> tuple[str, str]:
    """(version, text) of the current consent for PURPOSE."""
    version, text = CONSENT[purpose]
    return version, str(text)
