"""Org: the cadre registry (队伍底数) of units, posts, cadres, appointments and ranks."""

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhongjian.org"
    label = "org"
    verbose_name = "队伍底数"
