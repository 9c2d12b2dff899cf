from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "sidebyside.notify"
    label = "notify"
    verbose_name = "Messages"
