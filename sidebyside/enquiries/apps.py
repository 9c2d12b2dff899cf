from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "sidebyside.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries"

    def ready(self) -> None:
        from sidebyside.enquiries import privacy, rules  # noqa: F401  (rules registers itself)

        privacy.register()
