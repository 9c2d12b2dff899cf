from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "sidebyside.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from sidebyside.insights import privacy, rules  # noqa: F401  (rules registers itself)

        privacy.register()
