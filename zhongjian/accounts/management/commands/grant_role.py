"""`zhongjian grant_role USERNAME ROLE [--county CODE] [--unit CODE]`: bootstrap a role from the
server console, for the first 组织部 user or auditor of a county, who has nobody to confirm them
in the app (三员分立, docs/operations.md). Audited."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.accounts.services import grant_console
from zhongjian.org.models import County, Unit


class Command(BaseCommand):
    help = "Give a user a role from the server console (bootstrap of 三员分立)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--county", help="county code (县代码)")
        parser.add_argument("--unit", help="unit code within the county")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
            county = County.objects.get(code=options["county"]) if options["county"] else None
            unit = (
                Unit.objects.get(county=county, code=options["unit"]) if options["unit"] else None
            )
        except (User.DoesNotExist, County.DoesNotExist, Unit.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        grant_console(
            user=user,
            role=options["role"],
            county_id=county.pk if county else None,
            unit_id=unit.pk if unit else None,
        )
        self.stdout.write(f"{user.username}: {options['role']}")
