from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sidebyside.accounts"
    label = "accounts"
    verbose_name = "Accounts"
