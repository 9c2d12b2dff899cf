from typing import Any

from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save, pre_delete


def _words_changed(sender: Any, instance: Any, created: bool, update_fields: Any, **kwargs: Any) -> None:
    """A contribution's words were edited (a redaction): its old vector must not outlive them."""
    if not created and (update_fields is None or "text" in update_fields):
        from sidebyside.insights.embeddings import forget_words

        forget_words(instance.pk)


def _contribution_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A contribution is being deleted (a note undone): its tags go with it, so the themes it was
    in count again, and the pictures' tallies are refreshed, once the deletion is saved.

    Django runs a deletion in a transaction of its own when none is open, so this always waits for
    the rows to be gone."""
    from sidebyside.insights import services, tallies
    from sidebyside.insights.models import Tag

    found = list(
        Tag.objects.filter(contribution_id=instance.pk).values_list("theme_id", "theme__programme_id")
    )
    if not found:
        return
    theme_ids = {theme_id for theme_id, _ in found}
    transaction.on_commit(lambda: services.recount(theme_ids))
    for programme_id in {programme_id for _, programme_id in found}:
        tallies.changed(programme_id)


def _meaning_model_health() -> str:
    from sidebyside.insights.embeddings import health_report

    return health_report()


class InsightsConfig(AppConfig):
    name = "sidebyside.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from sidebyside.core import health
        from sidebyside.insights import privacy, rules  # noqa: F401  (rules registers itself)
        from sidebyside.voices.models import Contribution

        privacy.register()
        health.register("meaning_model", _meaning_model_health)
        post_save.connect(_words_changed, sender=Contribution, dispatch_uid="insights_words_changed")
        pre_delete.connect(
            _contribution_deleted, sender=Contribution, dispatch_uid="insights_contribution_deleted"
        )
