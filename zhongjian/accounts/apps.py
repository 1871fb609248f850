"""Accounts: users, the six roles and their scopes."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhongjian.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
