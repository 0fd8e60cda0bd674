from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gnlc.accounts"
    label = "accounts"
