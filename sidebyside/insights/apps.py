from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _words_changed(sender: Any, instance: Any, created: bool, update_fields: Any, **kwargs: Any) -> None:
    """A contribution's words were edited (a redaction): its old vector must not outlive them."""
    if not created and (update_fields is None or "text" in update_fields):
        from sidebyside.insights.embeddings import forget_words

        forget_words(instance.pk)


class InsightsConfig(AppConfig):
    name = "sidebyside.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from sidebyside.insights import privacy, rules  # noqa: F401  (rules registers itself)
        from sidebyside.voices.models import Contribution

        privacy.register()
        post_save.connect(_words_changed, sender=Contribution, dispatch_uid="insights_words_changed")
