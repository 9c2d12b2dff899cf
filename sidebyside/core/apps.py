from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sidebyside.core"
    label = "core"
    verbose_name = "Core"
