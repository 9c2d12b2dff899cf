"""The questions every programme starts with, and the writes to a programme's prompts.

The questions follow two exercises in the seed documents: a hub looking back on how it works
(what went well, what got in the way, what to tell the people in charge) and the "what's
missing?" conversations over a brew. They are written here in our own words (house rule 12);
a programme's staff can change any of them afterwards. Seeding only adds a question the
programme does not have yet (matched by its words, whatever their case), so it never undoes
an edit and running it twice adds nothing.

``seed_library`` takes the model class as an argument so that the data migration can pass its
historical model; ``seed_prompts`` passes today's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sidebyside.core.archiving import set_archived
from sidebyside.core.audit import audit

if TYPE_CHECKING:
    from sidebyside.accounts.models import User
    from sidebyside.hubs.models import Programme
    from sidebyside.voices.models import Prompt


@dataclass(frozen=True)
class PromptSpec:
    text: str
    hint: str = ""


LIBRARY: tuple[PromptSpec, ...] = (
    # Looking back together.
    PromptSpec(
        "What has our group done that you are proud of?",
        "Big or small: something that changed, or something we made together.",
    ),
    PromptSpec(
        "What have you got out of taking part?",
        "For you yourself: skills, people you met, how you feel.",
    ),
    PromptSpec(
        "What has got in the way of us working as equals with services?",
        "Things like time, money, who holds the power, or who is not in the room.",
    ),
    PromptSpec(
        "What has annoyed you or let you down?",
        "Say it as it is. It helps us put it right.",
    ),
    PromptSpec(
        "If you could tell the people in charge one thing, what would it be?",
        "The bosses of the council, the NHS and the other services we work with.",
    ),
    PromptSpec(
        "What should we try next?",
        "An idea, a change, or something to stop doing.",
    ),
    # What's missing?
    PromptSpec(
        "What does working side by side with services mean to you?",
        "There is no right answer. Say what it looks and feels like when it works.",
    ),
    PromptSpec(
        "Whose voice is missing here, and how could we reach them?",
        "Think about people who never come to meetings like this one.",
    ),
    PromptSpec(
        "What is missing that would make this work better?",
        "It could be time, money, training, trust, or something else.",
    ),
    PromptSpec(
        "What would help you feel listened to and trusted?",
    ),
    PromptSpec(
        "Is there anything nobody has said yet?",
    ),
    PromptSpec(
        "What thought will you take home with you today?",
    ),
)


def seed_library(programme_ids: Iterable[int], *, prompt_model: Any) -> int:
    """Add to each programme the library questions it has none of the same words for.

    Works with today's model or a migration's historical one. Returns how many it added.
    """
    added = 0
    for programme_id in programme_ids:
        have = {
            text.casefold()
            for text in prompt_model.objects.filter(programme_id=programme_id).values_list("text", flat=True)
        }
        new = [
            prompt_model(programme_id=programme_id, text=spec.text, hint=spec.hint)
            for spec in LIBRARY
            if spec.text.casefold() not in have
        ]
        prompt_model.objects.bulk_create(new, ignore_conflicts=True)
        added += len(new)
    return added


def seed_prompts(programme: Programme) -> int:
    """Give ``programme`` the library questions it does not have yet; returns how many were added."""
    # Imported here: the data migration imports this module and must not touch today's models.
    from sidebyside.voices.models import Prompt

    return seed_library([programme.pk], prompt_model=Prompt)


def _give_the_prompts(sender: Any, instance: Programme, created: bool, raw: bool, **kwargs: Any) -> None:
    """Every new programme starts with the library's questions (hubs knows nothing of voices)."""
    if created and not raw:
        seed_prompts(instance)


def connect() -> None:
    """Seed the prompts of every programme made from now on. Called once, from ``VoicesConfig.ready``."""
    from django.db.models.signals import post_save

    from sidebyside.hubs.models import Programme

    post_save.connect(_give_the_prompts, sender=Programme, weak=False, dispatch_uid="voices_seed_prompts")


# Writes ---------------------------------------------------------------------------------------


def same_words(programme: Programme, text: str, prompt: Prompt | None = None) -> str | None:
    """The words of another question of the programme that are these, whatever their case or
    spacing, as that question has them; None if there is none."""
    from sidebyside.voices.models import Prompt

    others = Prompt.objects.filter(programme=programme)
    if prompt is not None:
        others = others.exclude(pk=prompt.pk)
    wanted = " ".join(text.split()).casefold()
    for other in others.values_list("text", flat=True):
        if " ".join(other.split()).casefold() == wanted:
            return other
    return None


def taken_message(existing: str) -> str:
    """Says which question has these words: as it is written, not as they were typed again."""
    return f"The programme already asks “{existing}”: change the words, or use that question"


def _check_text(programme: Programme, text: str, prompt: Prompt | None = None) -> None:
    if (existing := same_words(programme, text, prompt)) is not None:
        raise ValidationError({"text": taken_message(existing)})


@transaction.atomic
def prompt_create(*, actor: User, programme: Programme, text: str, hint: str = "") -> Prompt:
    from sidebyside.voices.models import Prompt

    _check_text(programme, text)
    prompt = Prompt(programme=programme, text=text, hint=hint)
    prompt.full_clean()
    prompt.save()
    audit(actor=actor, action="prompt.created", obj=prompt)
    return prompt


@transaction.atomic
def prompt_update(*, actor: User, prompt: Prompt, text: str, hint: str = "") -> Prompt:
    _check_text(prompt.programme, text, prompt)
    fields = {"text": text, "hint": hint}
    changed = sorted(key for key, value in fields.items() if getattr(prompt, key) != value)
    for key, value in fields.items():
        setattr(prompt, key, value)
    prompt.full_clean()
    prompt.save()
    audit(actor=actor, action="prompt.changed", obj=prompt, fields=changed)
    return prompt


@transaction.atomic
def prompt_archive(*, actor: User, prompt: Prompt) -> Prompt:
    """Archived questions keep their answers but are not offered for new gatherings."""
    set_archived(actor=actor, obj=prompt, archived=True)
    return prompt


@transaction.atomic
def prompt_restore(*, actor: User, prompt: Prompt) -> Prompt:
    set_archived(actor=actor, obj=prompt, archived=False)
    return prompt
