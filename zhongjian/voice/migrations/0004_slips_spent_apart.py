"""Spent slips are recorded in SpentToken under their own keyed hash, and the slip's row is no
longer written when it is spent (its `used` flag goes): see services/answering.py."""

import random
import secrets
import uuid

from django.db import migrations


def carry_over_spent_slips(apps, schema_editor) -> None:
    """Each used slip becomes a SpentToken: under the hash of its code while the wave is open
    (the code can still be decrypted, and must stay single-use), under a random one once it
    has closed (its cipher was erased; only the count per group matters then)."""
    from cryptography.fernet import InvalidToken

    from zhongjian.core.crypto import decrypt_text, keyed_hash

    def spent_digest(code: str) -> str:  # as services/answering.spent_digest
        return keyed_hash(code, purpose="voice-slip-spent")

    token_model = apps.get_model("voice", "WaveToken")
    spent_model = apps.get_model("voice", "SpentToken")
    alias = schema_editor.connection.alias
    rows = []
    for token in token_model.objects.using(alias).filter(used=True).iterator():
        try:
            code = decrypt_text(token.cipher) if token.cipher else None
        except InvalidToken as exc:
            raise RuntimeError(
                "已使用的测评码无法解密：FIELD_ENCRYPTION_KEY 与写入这些测评码时的密钥不同。"
                "请使用原来的密钥（环境变量或 var/field_key）再运行 migrate。"
            ) from exc
        digest = spent_digest(code) if code else secrets.token_hex(32)
        rows.append(
            spent_model(
                id=uuid.uuid4(),
                county_id=token.county_id,
                wave_id=token.wave_id,
                group_id=token.group_id,
                digest=digest,
            )
        )
    random.SystemRandom().shuffle(rows)
    spent_model.objects.using(alias).bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("voice", "0003_county_on_every_table")]

    operations = [
        migrations.RunPython(carry_over_spent_slips, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="wavetoken", name="voice_wavet_wave_id_683fed_idx"),
        migrations.RemoveField(model_name="wavetoken", name="used"),
    ]
