"""`zhongjian care_rotate_key`: re-encrypt every counseling text under a new care key."""

import os
import secrets
from typing import Any

from cryptography.fernet import MultiFernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhongjian.care.crypto import fernet_for
from zhongjian.care.services import care_key_rotate


class Command(BaseCommand):
    help = (
        "用当前的 CARE_KEY 重新加密全部心理疏导文本（旧密钥放在 CARE_PREVIOUS_KEYS）；"
        "--generate：为内置默认配置生成新密钥，写入 var/care_key 并重新加密。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--generate",
            action="store_true",
            help="生成新密钥替换 var/care_key（仅当未通过环境变量设置 CARE_KEY 时）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["generate"]:
            changed = care_key_rotate()
            self.stdout.write(f"已用当前密钥重新加密 {changed} 条记录。")
            if settings.CARE_PREVIOUS_KEYS:
                self.stdout.write("现在可以从 CARE_PREVIOUS_KEYS 中删除旧密钥。")
            return
        if "CARE_KEY" in os.environ or "CARE_KEY_FILE" in os.environ:
            raise CommandError(
                "CARE_KEY 由环境变量或 CARE_KEY_FILE 提供：请生成新密钥、把旧密钥放入 "
                "CARE_PREVIOUS_KEYS 后不带 --generate 运行本命令。"
            )
        path = settings.VAR_DIR / "care_key"
        pending = path.with_name("care_key.new")
        new_key = secrets.token_urlsafe(50)
        pending.write_text(new_key, encoding="utf-8")
        pending.chmod(0o600)
        keys = [new_key, settings.CARE_KEY, *settings.CARE_PREVIOUS_KEYS]
        changed = care_key_rotate(fernet=MultiFernet([fernet_for(key) for key in keys]))
        # The rows are committed under the new key; only now does the new key replace the old.
        os.replace(pending, path)
        self.stdout.write(
            f"已生成新密钥（{path}）并重新加密 {changed} 条记录；请重启服务并备份新密钥。"
        )
