"""The upload form of the import page."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from zhongjian.core.forms import Form
from zhongjian.dataio.columns import ImportKind


class ImportForm(Form):
    kind = forms.ChoiceField(label=_("数据类型"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GBK 编码）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    sheet = forms.CharField(
        label=_("工作表名称"),
        required=False,
        max_length=64,
        help_text=_("留空则读取第一个工作表"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("文件太大（%(size).1f MB）；最大允许 %(limit)d MB，请拆分后分批导入"),
                params={"size": upload.size / 1024 / 1024, "limit": limit},
            )
        return upload
