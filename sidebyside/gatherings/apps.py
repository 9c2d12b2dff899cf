from django.apps import AppConfig


class GatheringsConfig(AppConfig):
    name = "sidebyside.gatherings"
    label = "gatherings"
    verbose_name = "Gatherings"
