from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "sidebyside.hubs"
    label = "hubs"
    verbose_name = "Programmes and hubs"
