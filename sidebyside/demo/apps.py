from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo programme: fictional people in the shape of a real county programme."""

    name = "sidebyside.demo"
    label = "demo"
    verbose_name = "Demo data"
