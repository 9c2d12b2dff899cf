"""The journey of what people said: each contribution → its themes → the enquiries it feeds →
their actions → the updates for the people whose words led there.

``journeys`` reads any number of contributions in at most five queries, each filtered by the given
ids or by indexed foreign keys, and puts them together in Python: it stays quick however many
contributions the programme holds. Only what people decided counts: confirmed tags in confirmed
themes (the machine's unchecked guesses do not), and evidence linked to an enquiry.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from sidebyside.enquiries.models import Action, Enquiry, Evidence, Update
from sidebyside.insights.models import Tag, Theme

# What each stage means, in plain words, for the people whose words led there.
STAGE_WORDS = {
    Enquiry.Stage.FRAME: "Getting started: agreeing what the problem is",
    Enquiry.Stage.EXPLORE: "Finding out more",
    Enquiry.Stage.ACT: "Making changes",
    Enquiry.Stage.LEARN: "Checking what the changes did",
    Enquiry.Stage.CLOSED: "Finished",
}
STAGE_COLOURS = {
    Enquiry.Stage.FRAME: "grey",
    Enquiry.Stage.EXPLORE: "blue",
    Enquiry.Stage.ACT: "purple",
    Enquiry.Stage.LEARN: "turquoise",
    Enquiry.Stage.CLOSED: "green",
}
STATUS_COLOURS = {
    Action.Status.NOT_STARTED: "grey",
    Action.Status.IN_PROGRESS: "blue",
    Action.Status.DONE: "green",
    Action.Status.STUCK: "orange",
    Action.Status.WONT_DO: "red",
}


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class ThemeStep:
    id: int
    name: str


# How an action stands, in the plain words of a journey (read by the people who said something,
# not only by staff who use red, amber and green). Late ones say "Was due …" already.
JOURNEY_RAG = {"red": "", "amber": "may be late", "green": "on track", "": ""}


@dataclass(frozen=True)
class ActionStep:
    id: int
    what: str
    status: str
    status_label: str
    status_colour: str
    rag: str
    rag_label: str
    due_on: datetime.date | None
    overdue: bool


@dataclass(frozen=True)
class UpdateStep:
    id: int
    text: str
    kind: str
    kind_label: str
    created_at: datetime.datetime


@dataclass
class EnquiryStep:
    id: int
    title: str
    stage: str
    stage_label: str
    stage_words: str
    stage_colour: str
    direct: bool = False  # linked to the contribution itself
    via: list[ThemeStep] = field(default_factory=list)  # linked through these themes
    actions: list[ActionStep] = field(default_factory=list)
    updates: list[UpdateStep] = field(default_factory=list)


@dataclass
class Journey:
    contribution_id: int
    themes: list[ThemeStep] = field(default_factory=list)
    enquiries: list[EnquiryStep] = field(default_factory=list)
    more_enquiries: int = 0  # fed too, but not shown (``journeys(most=…)``)

    @property
    def led_to_work(self) -> bool:
        return bool(self.enquiries)

    @property
    def update_count(self) -> int:
        return sum(len(enquiry.updates) for enquiry in self.enquiries)


def journeys(
    contribution_ids: Iterable[int], today: datetime.date | None = None, *, most: int | None = None
) -> dict[int, Journey]:
    """Each contribution's journey, by contribution id. At most five queries for any number.

    With ``most``, each journey shows at most that many enquiries: those the contribution itself
    was linked to first, then those whose people heard from them last; the others are counted in
    ``more_enquiries``, and only the shown enquiries' actions and updates are read. A page of
    journeys then does the same work however many enquiries a theme feeds."""
    ids = sorted(set(contribution_ids))
    result = {pk: Journey(contribution_id=pk) for pk in ids}
    if not ids:
        return result
    today = today or timezone.localdate()

    # 1. Themes: tags people made or checked, in themes people confirmed.
    theme_names: dict[int, str] = {}
    themes_of: dict[int, list[int]] = defaultdict(list)
    tags = (
        Tag.objects.filter(contribution_id__in=ids, confirmed=True, theme__status=Theme.Status.CONFIRMED)
        .order_by("theme__name", "theme_id")
        .values_list("contribution_id", "theme_id", "theme__name")
    )
    for contribution_id, theme_id, name in tags:
        theme_names[theme_id] = name
        themes_of[contribution_id].append(theme_id)
    for contribution_id, theme_ids in themes_of.items():
        result[contribution_id].themes = [ThemeStep(pk, theme_names[pk]) for pk in theme_ids]

    # 2. Evidence: the contribution itself, or one of those themes.
    evidence = Evidence.objects.filter(
        Q(contribution_id__in=ids) | Q(theme_id__in=sorted(theme_names))
    ).values_list("enquiry_id", "contribution_id", "theme_id")
    direct: dict[int, set[int]] = defaultdict(set)  # contribution → enquiries
    by_theme: dict[int, set[int]] = defaultdict(set)  # theme → enquiries
    for enquiry_id, contribution_id, theme_id in evidence:
        if contribution_id is not None:
            direct[contribution_id].add(enquiry_id)
        elif theme_id is not None:
            by_theme[theme_id].add(enquiry_id)
    enquiry_ids = set().union(*direct.values(), *by_theme.values())
    if not enquiry_ids:
        return result

    # 3–5. The enquiries, their actions, and the updates meant for contributors.
    enquiries = {
        row["id"]: row
        for row in Enquiry.objects.filter(pk__in=sorted(enquiry_ids))
        .annotate(last_told=Max("updates__created_at", filter=Q(updates__tell_contributors=True)))
        .values("id", "title", "stage", "last_told")
    }
    shown: dict[int, list[int]] | None = None
    if most is not None:
        shown = {}
        for pk in ids:
            own = direct.get(pk, set())
            fed = {e for t in themes_of.get(pk, ()) for e in by_theme.get(t, ())} | own
            ranked = sorted(
                (e for e in fed if e in enquiries),
                key=lambda e: (
                    e not in own,
                    -(enquiries[e]["last_told"] or EPOCH).timestamp(),
                    enquiries[e]["title"].lower(),
                    e,
                ),
            )
            shown[pk] = ranked[:most]
            result[pk].more_enquiries = len(ranked) - len(shown[pk])
        enquiry_ids = {e for chosen in shown.values() for e in chosen}
    actions_of: dict[int, list[ActionStep]] = defaultdict(list)
    for action in Action.objects.filter(enquiry_id__in=sorted(enquiry_ids)).order_by(
        "enquiry_id", "due_on", "pk"
    ):
        assert action.enquiry_id is not None
        rag = action.rag(today)
        actions_of[action.enquiry_id].append(
            ActionStep(
                id=action.pk,
                what=action.what,
                status=action.status,
                status_label=action.get_status_display(),
                status_colour=STATUS_COLOURS.get(Action.Status(action.status), "grey"),
                rag=rag,
                rag_label=JOURNEY_RAG[rag],
                due_on=action.due_on,
                overdue=action.is_overdue(today),
            )
        )
    updates_of: dict[int, list[UpdateStep]] = defaultdict(list)
    updates = (
        Update.objects.filter(enquiry_id__in=sorted(enquiry_ids), tell_contributors=True)
        .order_by("-created_at", "-pk")
        .values_list("id", "enquiry_id", "text", "kind", "created_at")
    )
    for pk, enquiry_id, text, kind, created_at in updates:
        updates_of[enquiry_id].append(UpdateStep(pk, text, kind, str(Update.Kind(kind).label), created_at))

    def step(steps: dict[int, EnquiryStep], enquiry_id: int) -> EnquiryStep | None:
        row = enquiries.get(enquiry_id)
        if row is None:  # deleted a moment ago
            return None
        if enquiry_id not in steps:
            stage = Enquiry.Stage(row["stage"])
            steps[enquiry_id] = EnquiryStep(
                id=enquiry_id,
                title=row["title"],
                stage=stage.value,
                stage_label=str(stage.label),
                stage_words=STAGE_WORDS[stage],
                stage_colour=STAGE_COLOURS[stage],
                actions=actions_of.get(enquiry_id, []),
                updates=updates_of.get(enquiry_id, []),
            )
        return steps[enquiry_id]

    for journey in result.values():
        steps: dict[int, EnquiryStep] = {}
        keep = enquiry_ids if shown is None else set(shown[journey.contribution_id])
        for enquiry_id in direct.get(journey.contribution_id, ()):
            if enquiry_id in keep and (found := step(steps, enquiry_id)) is not None:
                found.direct = True
        for theme in journey.themes:
            for enquiry_id in by_theme.get(theme.id, ()):
                if enquiry_id in keep and (found := step(steps, enquiry_id)) is not None:
                    found.via.append(theme)
        if shown is None:
            journey.enquiries = sorted(steps.values(), key=lambda e: (e.title.lower(), e.id))
        else:  # in the order chosen
            journey.enquiries = [steps[e] for e in shown[journey.contribution_id] if e in steps]
    return result
