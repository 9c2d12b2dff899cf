from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sidebyside.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from sidebyside.people import signals  # noqa: F401
