"""The audit log keeps the indexes its reads use: a county's rows by time, an object's history.

Every index is paid on every audited write (an import writes a row per cadre). The single-
column indexes on the actor, the action, the object type (with PostgreSQL's LIKE twins) and the
county served no read; the county's rows by time and an object's history get an index each.

The old indexes are dropped by name rather than by altering the fields: on SQLite an altered
field rebuilds the table, which would drop its append-only trigger (migration 0002).
"""

from django.db import migrations, models

OLD_INDEXES = (
    "core_auditlog_actor_id_ab091f3c",
    "core_auditlog_action_978477aa",
    "core_auditlog_action_978477aa_like",
    "core_auditlog_object_type_0be9ff90",
    "core_auditlog_object_type_0be9ff90_like",
    "core_auditlog_county_id_a5f4c3a8",
)
RESTORE = (
    'CREATE INDEX "core_auditlog_actor_id_ab091f3c" ON "core_auditlog" ("actor_id");',
    'CREATE INDEX "core_auditlog_action_978477aa" ON "core_auditlog" ("action");',
    'CREATE INDEX "core_auditlog_object_type_0be9ff90" ON "core_auditlog" ("object_type");',
    'CREATE INDEX "core_auditlog_county_id_a5f4c3a8" ON "core_auditlog" ("county_id");',
)


def drop_old(apps, schema_editor):
    for name in OLD_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def restore_old(apps, schema_editor):
    for statement in RESTORE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_object_types_holidays_per_county"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditlog",
                    name="action",
                    field=models.CharField(
                        choices=[
                            ("create", "新增"),
                            ("update", "修改"),
                            ("delete", "删除"),
                            ("read", "查阅敏感信息"),
                            ("export", "导出"),
                            ("import", "导入"),
                            ("login", "登录"),
                            ("login_failed", "登录失败"),
                            ("logout", "退出"),
                        ],
                        max_length=16,
                        verbose_name="操作",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="actor_id",
                    field=models.BigIntegerField(blank=True, null=True, verbose_name="操作人ID"),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="county_id",
                    field=models.BigIntegerField(blank=True, null=True, verbose_name="县"),
                ),
                migrations.AlterField(
                    model_name="auditlog",
                    name="object_type",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("user", "用户"),
                            ("role_grant", "授权申请"),
                            ("api_token", "API 令牌"),
                            ("unit", "单位"),
                            ("post", "岗位"),
                            ("cadre", "干部"),
                            ("appointment", "任职"),
                            ("rank_grant", "职级"),
                            ("retirement_rule", "退休年龄规则"),
                            ("rank_step_rule", "职级晋升年限规则"),
                            ("eligibility_rule", "任职资格提示规则"),
                            ("holiday", "节假日安排"),
                            ("import_job", "导入任务"),
                            ("export", "导出文件"),
                            ("audit_log", "审计日志"),
                            ("vacancy", "空缺岗位"),
                            ("selectionprocess", "选任流程"),
                            ("stagechange", "流程环节"),
                            ("candidate", "考察对象"),
                            ("decline", "不接受提拔"),
                            ("objection", "公示异议"),
                            ("bench_entry", "后备干部"),
                            ("departure", "离岗"),
                            ("exitinterview", "离岗谈话"),
                            ("document_template", "文书模板"),
                            ("voice_wave", "测评"),
                            ("voice_instrument", "测评量表"),
                            ("voice_board_post", "心声帖子"),
                            ("voice_board_comment", "心声评论"),
                            ("voice_board_reply", "心声回复"),
                        ],
                        max_length=64,
                        verbose_name="对象类型",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_old, restore_old)],
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["county_id", "at"], name="core_audit_county_at"),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ),
    ]
