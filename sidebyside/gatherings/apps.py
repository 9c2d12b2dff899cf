from typing import Any

from django.apps import AppConfig


class GatheringsConfig(AppConfig):
    name = "sidebyside.gatherings"
    label = "gatherings"
    verbose_name = "Gatherings"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from sidebyside.gatherings import privacy
        from sidebyside.gatherings.method_library import seed_methods
        from sidebyside.hubs.models import Programme

        privacy.register()

        def give_the_method_library(
            sender: Any, instance: Programme, created: bool, raw: bool, **kwargs: Any
        ) -> None:
            """Every new programme starts with the method library (hubs knows nothing of gatherings)."""
            if created and not raw:
                seed_methods(instance)

        post_save.connect(
            give_the_method_library, sender=Programme, weak=False, dispatch_uid="gatherings_seed_methods"
        )
