"""A person's rights over their data: a copy of everything (export), erasure, retention and merging.

All four find a person's data by walking the model relations that point at ``Person`` or at
their ``User``, never by naming models. A model another app adds later is therefore exported
without further work, and cannot ship without saying what erasure does to it: the test
``test_every_link_to_a_person_has_an_erasure_policy`` fails until its link is in
``ERASURE_POLICIES``.

A *link* is one foreign key (or one-to-one) that points at a person or user, named
``app_label.model.field`` (``people.consent.person``, ``people.consent.recorded_by``). Policies
are per link, not per model, because one model can hold both the person's own rows and rows
about other people that the person merely wrote: a coordinator's erasure must not delete the
consents they recorded for others.
"""

from __future__ import annotations

import base64
import calendar
import dataclasses
import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.text import capfirst

from sidebyside.accounts.models import User, new_security_stamp
from sidebyside.core.audit import audit
from sidebyside.core.models import AuditEvent
from sidebyside.hubs.models import Membership
from sidebyside.people.models import Consent, Person, SupportNeeds, WellbeingPlan
from sidebyside.people.templatetags.people_tags import audit_label

LONDON = ZoneInfo("Europe/London")
ERASED_NAME = "Erased person"

Policy = Literal["delete", "keep", "unlink", "anonymise"]


# --- Links: what points at a person ------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One foreign key on ``model`` that points at a ``Person`` (``to="person"``) or a ``User``."""

    model: type[models.Model]
    field: Any  # a ForeignKey or OneToOneField on ``model``
    to: Literal["person", "user"]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    def target(self, person: Person) -> models.Model:
        return person if self.to == "person" else person.user

    def rows(self, person: Person) -> QuerySet[Any]:
        return self.model._default_manager.filter(**{self.field.name: self.target(person)})


def linked_relations() -> list[Link]:
    """Every foreign key in the project that points at a person or a user, found from the models.

    Includes hidden relations (``related_name="+"``) and the automatic tables behind
    many-to-many fields. The one-to-one from ``Person`` to its ``User`` is the record itself,
    not a link.
    """
    found: list[Link] = []
    targets: tuple[tuple[Literal["person", "user"], type[models.Model]], ...] = (
        ("person", Person),
        ("user", User),
    )
    for to, target in targets:
        for rel in target._meta.get_fields(include_hidden=True):
            if not isinstance(rel, models.ForeignObjectRel) or isinstance(rel, models.ManyToManyRel):
                continue
            model = rel.related_model
            assert isinstance(model, type)
            if model is Person and rel.field.name == "user":
                continue
            found.append(Link(model=model, field=rel.field, to=to))
    return sorted(found, key=lambda link: link.label)


# --- Erasure policies ----------------------------------------------------------------------------

# What erasing a person does to the rows of each link:
#   delete    the rows are the person's own and no use without them;
#   anonymise the rows stay, and the link's eraser (``register_eraser``) removes what identifies them;
#   unlink    the rows are other people's records that name this person: the link is cleared;
#   keep      the rows belong to something else and hold nothing identifying; the user they point
#             at is anonymised, so they no longer say who.
ERASURE_POLICIES: dict[str, Policy] = {
    # The person's own records.
    "people.supportneeds.person": "delete",
    "people.wellbeingplan.person": "delete",
    "people.catchup.person": "delete",
    "people.consent.person": "delete",
    "otp_totp.totpdevice.user": "delete",
    # Messages to them: those not yet sent must not go out; the rest hold their number or address.
    "notify.outboxmessage.user": "delete",
    "accounts.user_groups.user": "delete",
    "accounts.user_user_permissions.user": "delete",
    # Kept so that what happened can still be counted, with nothing identifying left.
    "people.personrequest.person": "anonymise",  # closed: shows the request was dealt with
    "hubs.membership.user": "anonymise",  # ended: hub numbers over time stay right
    # Other people's records naming this person as their supporter.
    "people.person.key_worker": "unlink",
    "people.person.buddy": "unlink",
    # Records about other people that this user wrote or changed as staff: they are those people's.
    "people.supportneeds.updated_by": "keep",
    "people.wellbeingplan.written_by": "keep",
    "people.catchup.recorded_by": "keep",
    "people.consent.recorded_by": "keep",
    "people.consent.ended_by": "keep",
    "people.personrequest.done_by": "keep",
    # The audit log is append-only and holds identifiers only.
    "core.auditevent.actor": "keep",
    "core.auditevent.subject": "keep",
}


class Eraser(Protocol):
    """Removes what identifies the person from ``rows`` (the rows of one link); returns rows changed."""

    def __call__(self, rows: QuerySet[Any], *, person: Person, actor: User | None) -> int: ...


class Merger(Protocol):
    """Moves the rows of ``link`` from ``other`` to ``keep``; returns rows moved or changed."""

    def __call__(self, link: Link, *, keep: Person, other: Person, actor: User) -> int: ...


_ERASERS: dict[str, Eraser] = {}
_MERGERS: dict[str, Merger] = {}


def register_erasure_policy(link_label: str, policy: Policy) -> None:
    """For apps that add a link to people: say what erasure does to it (call from ``AppConfig.ready``).

    ``anonymise`` needs an eraser: use ``register_eraser`` instead.
    """
    if policy == "anonymise":
        raise ValueError("An anonymise policy needs an eraser: call register_eraser.")
    ERASURE_POLICIES[link_label] = policy


def register_eraser(link_label: str, eraser: Eraser) -> None:
    """Keep the link's rows on erasure, with ``eraser`` removing what identifies the person."""
    ERASURE_POLICIES[link_label] = "anonymise"
    _ERASERS[link_label] = eraser


def register_export_exclusion(link_label: str, why: str) -> None:
    """Export only the number of a link's rows, saying why (rows about others, or kept as staff)."""
    EXPORT_EXCLUDED_LINKS[link_label] = why


AS_STAFF = "These are records about the people you worked with as staff, so only the number is given."


def register_merger(link_label: str, merger: Merger) -> None:
    """How to move a link's rows when two records are merged, where a plain move would break a rule."""
    _MERGERS[link_label] = merger


def _bulk_update(rows: QuerySet[Any], **values: Any) -> int:
    """``rows.update`` that also counts as an edit: adds one to ``lock_version`` and sets ``updated_at``."""
    names = {f.name for f in rows.model._meta.concrete_fields}
    if "lock_version" in names:
        values["lock_version"] = F("lock_version") + 1
    if "updated_at" in names:
        values["updated_at"] = timezone.now()
    return rows.update(**values)


def _close_requests(rows: QuerySet[Any], *, person: Person, actor: User | None) -> int:
    """Requests stay (they show a request to be forgotten was carried out), all marked as dealt with."""
    return _bulk_update(rows.filter(done_at__isnull=True), done_at=timezone.now(), done_by=actor)


def _end_memberships(rows: QuerySet[Any], *, person: Person, actor: User | None) -> int:
    return _bulk_update(rows.filter(ended_at__isnull=True), ended_at=timezone.now())


register_eraser("people.personrequest.person", _close_requests)
register_eraser("hubs.membership.user", _end_memberships)


# Tables that name a user by their sign-in name (the lowercased email address) instead of a
# foreign key: django-axes's records of sign-in attempts.
USERNAME_TABLES = ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog")


def _delete_sessions(user_id: int) -> int:
    """Delete the user's sessions. Sessions hold the user id only inside their signed data, so each
    is decoded: fine at this service's scale (a few thousand rows at most; ``clearsessions`` runs
    daily). Sessions kept elsewhere than the database (a cache engine) are ended all the same by the
    new security stamp, which every session's hash includes."""
    if not apps.is_installed("django.contrib.sessions"):
        return 0
    from django.contrib.sessions.models import Session

    mine = [s.pk for s in Session.objects.iterator() if s.get_decoded().get(SESSION_KEY) == str(user_id)]
    return Session.objects.filter(pk__in=mine).delete()[0]


def _delete_username_rows(username: str) -> int:
    if not username:
        return 0
    deleted = 0
    for label in USERNAME_TABLES:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        deleted += model._default_manager.filter(username__iexact=username).delete()[0]
    return deleted


# Person fields that say nothing about who someone is, kept on erasure; every other field
# (including any added later) goes back to its default: blank, empty or unset.
_PERSON_FIELDS_KEPT = {
    "id",
    "created_at",
    "updated_at",
    "user",
    "status",
    "status_changed_at",
    "last_active_on",
    "retention_warned_at",
    "erased_at",
    "lock_version",
}


@transaction.atomic
def person_erase(*, actor: User | None, person: Person) -> None:
    """Remove everything that identifies the person, everywhere, and record that it was done.

    The user and person rows stay, anonymised, so rows that must outlive the person (the
    audit log, records they wrote about others) keep a valid reference that says nothing.
    Erasing an erased record does nothing. ``actor`` is None when the retention rule erases.
    """
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if person.is_erased:
        return
    user = person.user
    old_username = (user.email or "").strip().lower()
    counts: dict[str, int] = {}
    for link in linked_relations():
        policy = ERASURE_POLICIES.get(link.label)
        if policy is None:
            raise ImproperlyConfigured(
                f"No erasure policy for {link.label}: add one to people.privacy.ERASURE_POLICIES."
            )
        rows = link.rows(person)
        if policy == "delete":
            _, per_model = rows.delete()
            changed = per_model.get(link.model._meta.label, 0)
        elif policy == "unlink":
            changed = _bulk_update(rows, **{link.field.name: None})
        elif policy == "anonymise":
            changed = _ERASERS[link.label](rows, person=person, actor=actor)
        else:
            changed = 0
        if changed:
            counts[link.label] = changed
    counts["sessions"] = _delete_sessions(user.pk)
    counts["sign_in_attempts"] = _delete_username_rows(old_username)

    user.full_name = ERASED_NAME
    user.known_as = ""
    user.email = None
    user.set_unusable_password()
    user.is_active = False
    user.is_superuser = False
    user.last_login = None
    user.security_stamp = new_security_stamp()
    user.save()

    now = timezone.now()
    for person_field in Person._meta.concrete_fields:
        if person_field.name not in _PERSON_FIELDS_KEPT:
            setattr(person, person_field.attname, person_field.get_default())
    if person.status != Person.Status.LEFT:
        person.status = Person.Status.LEFT
        person.status_changed_at = now
    person.erased_at = now
    person.retention_warned_at = None
    person.lock_version += 1
    person.full_clean()
    person.save()
    audit(
        actor=actor,
        action="person.erased",
        obj=person,
        subject=user,
        removed={label: n for label, n in counts.items() if n},
    )


# --- Export ---------------------------------------------------------------------------------------

# What the copy of someone's data leaves out, and why. Everything else that points at them is in it.
EXPORT_EXCLUDED_FIELDS: dict[str, str] = {
    "accounts.user.password": "A password hash: a secret, and of no use to anyone reading it.",
    "accounts.user.security_stamp": "A random value used to sign someone out everywhere: a secret.",
    "accounts.user.is_superuser": "A switch for the operator's own accounts, not information about anyone.",
    "*.lock_version": "A counter that stops two people overwriting each other's changes.",
    "*.<secret>": (
        "Any field named like a password, secret, token, key, hash or salt (an authenticator app's "
        "key, for example): secrets that would let someone sign in as the person."
    ),
}
_SECRET_NAME = re.compile(r"password|secret|token|security_stamp|(?:^|_)(?:key|keys|hash|salt)$")

# Links whose rows are other people's records: the copy gives only how many there are. The
# reasons are shown to the person, so they are written to them.
_OTHERS = "These are other people's records, so only the number is given."
_AS_STAFF = AS_STAFF
EXPORT_EXCLUDED_LINKS: dict[str, str] = {
    "people.person.key_worker": _OTHERS,
    "people.person.buddy": _OTHERS,
    "people.supportneeds.updated_by": _AS_STAFF,
    "people.wellbeingplan.written_by": _AS_STAFF,
    "people.catchup.recorded_by": _AS_STAFF,
    "people.consent.recorded_by": _AS_STAFF,
    "people.consent.ended_by": _AS_STAFF,
    "people.personrequest.done_by": _AS_STAFF,
}

# Headings of the readable copy, in the order it shows them; other models follow under their
# own plural names, and the audit trail comes last.
SECTION_TITLES: dict[str, str] = {
    "people.wellbeingplan": "Your plan, every version",
    "people.supportneeds": "Support needs",
    "people.catchup": "Catch-ups",
    "people.consent": "What you agreed to",
    "people.personrequest": "What you asked of us about your data",
    "hubs.membership": "Your hubs and roles",
    "otp_totp.totpdevice": "Authenticator apps for signing in",
    "accounts.user_groups": "Groups",
    "accounts.user_user_permissions": "Extra permissions",
    "people.person": "People's records",
    "core.auditevent": "Who has seen or changed your record",
}


def _is_secret(model: type[models.Model], name: str) -> bool:
    label = f"{model._meta.label_lower}.{name}"
    return label in EXPORT_EXCLUDED_FIELDS or name == "lock_version" or bool(_SECRET_NAME.search(name))


def _section_title(model: type[models.Model]) -> str:
    label = model._meta.label_lower
    return SECTION_TITLES.get(label) or capfirst(str(model._meta.verbose_name_plural))


@dataclass
class _Value:
    name: str
    label: str
    data: Any  # for JSON
    shown: str  # for people


@dataclass
class _Row:
    pk: Any
    heading: str
    values: list[_Value]

    def as_dict(self) -> dict[str, Any]:
        return {"id": _plain(self.pk), **{v.name: v.data for v in self.values}}


@dataclass
class _Section:
    key: str
    title: str
    rows: list[_Row] = dataclasses.field(default_factory=list)
    seen: set[Any] = dataclasses.field(default_factory=set)

    def add(self, row: _Row) -> None:
        if row.pk not in self.seen:
            self.seen.add(row.pk)
            self.rows.append(row)


@dataclass
class _LeftOut:
    link: str
    what: str
    count: int
    why: str


def _plain(value: Any) -> Any:
    if isinstance(value, UUID | Decimal):
        return str(value)
    return value


class _Names:
    """Display names of the users and people a row points at, each looked up once."""

    def __init__(self) -> None:
        self._users: dict[Any, str] = {}
        self._people: dict[Any, str] = {}

    def user(self, pk: Any) -> str:
        if pk not in self._users:
            found = User.objects.filter(pk=pk).first()
            self._users[pk] = found.display_name if found else ""
        return self._users[pk]

    def person(self, pk: Any) -> str:
        if pk not in self._people:
            found = Person.objects.select_related("user").filter(pk=pk).first()
            self._people[pk] = found.display_name if found else ""
        return self._people[pk]


def _shown(value: Any) -> tuple[Any, str]:
    """A stored value as JSON data and as words for a reader (times in UK time)."""
    if value is None:
        return None, ""
    if isinstance(value, bool):
        return value, "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value, LONDON) if timezone.is_aware(value) else value
        return local.isoformat(), dateformat.format(local, "j F Y, H:i")
    if isinstance(value, datetime.date):
        return value.isoformat(), dateformat.format(value, "j F Y")
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes"), value.strftime("%H:%M")
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode(), "(binary data)"
    if isinstance(value, dict | list):
        return value, json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float | str):
        return value, str(value)
    return str(value), str(value)


def _values(
    obj: models.Model,
    names: _Names,
    linked: set[type[models.Model]],
    skip: Iterable[str] = (),
) -> list[_Value]:
    model = type(obj)
    label_lower = model._meta.label_lower
    values: list[_Value] = []
    for f in model._meta.concrete_fields:
        if f.name in skip or _is_secret(model, f.name):
            continue
        label = capfirst(str(f.verbose_name))
        if label_lower == "people.person" and f.name == "phone":
            assert isinstance(obj, Person)
            values.append(_Value("phone", label, obj.phone, obj.phone_display))
            continue
        if label_lower == "people.supportneeds" and f.name == "needs_data":
            assert isinstance(obj, SupportNeeds)
            values.append(_Value("needs", "What I need", obj.needs, ", ".join(obj.need_labels)))
            continue
        if f.is_relation:
            pk = getattr(obj, f.attname)
            target = f.related_model
            if pk is None:
                data: Any = None
                shown = ""
            elif target is User:
                data = shown = names.user(pk)
            elif target is Person:
                data = shown = names.person(pk)
            elif target in linked:
                # A row that may be someone else's: its id only, never its contents.
                data, shown = _plain(pk), f"Number {pk}"
            else:
                data = shown = str(getattr(obj, f.name))
            values.append(_Value(f.name, label, data, shown))
            continue
        raw = f.value_from_object(obj)
        data, shown = _shown(raw)
        if f.choices and raw not in (None, ""):
            shown = str(dict(f.flatchoices).get(raw, raw))
        values.append(_Value(f.name, label, _plain(data), shown))
    return values


def _heading(obj: models.Model) -> str:
    text = str(obj)
    if "object (" in text:
        return capfirst(str(obj._meta.verbose_name))
    return text


def _audit_row(event: AuditEvent, user: User, names: _Names) -> _Row:
    mine = event.subject_id == user.pk
    at, at_shown = _shown(event.at)
    who = names.user(event.actor_id) if event.actor_id else "The system"
    values = [
        _Value("at", "When", at, at_shown),
        _Value("actor", "Who", who, who),
        _Value("action", "What", event.action, audit_label(event.action)),
        _Value(
            "about",
            "Whose record",
            "yours" if mine else "someone else's",
            "Yours" if mine else "Someone else's",
        ),
    ]
    if mine:
        values.append(_Value("detail", "Details", event.detail, json.dumps(event.detail, ensure_ascii=False)))
    return _Row(event.pk, audit_label(event.action), values)


def _children(obj: models.Model, linked: set[type[models.Model]]) -> Iterable[tuple[type[models.Model], Any]]:
    """Rows that hang off one of the person's own rows (one level down), by reverse relation."""
    for rel in obj._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or isinstance(rel, models.ManyToManyRel):
            continue
        model = rel.related_model
        assert isinstance(model, type)
        if model in linked:
            continue  # found through its own link
        for child in model._default_manager.filter(**{rel.field.name: obj}):
            yield model, child


@dataclass
class _Export:
    generated_at: datetime.datetime
    person: Person
    about: list[_Value]
    sections: list[_Section]
    left_out: list[_LeftOut]

    def as_dict(self) -> dict[str, Any]:
        about = {v.name: v.data for v in self.about}
        return {
            "generated_at": timezone.localtime(self.generated_at, LONDON).isoformat(),
            "person": about,
            "related": {s.key: [row.as_dict() for row in s.rows] for s in self.sections},
            "left_out": [
                {"link": x.link, "what": x.what, "count": x.count, "why": x.why} for x in self.left_out
            ],
        }


def _collect(person: Person) -> _Export:
    """One walk over everything linked to the person, for every export format."""
    person = Person.objects.select_related("user").get(pk=person.pk)
    user = person.user
    names = _Names()
    links = linked_relations()
    linked = {link.model for link in links} | {Person, User}

    user_values = _values(user, names, linked)
    for v in user_values:
        if v.name == "id":
            v.name, v.label = "user_id", "Account number"
    person_values = _values(person, names, linked, skip=("user",))
    for v in person_values:
        if v.name == "id":
            v.label = "Record number"
    about = [*person_values, *user_values]

    sections: dict[str, _Section] = {}
    left_out: list[_LeftOut] = []

    def section(model: type[models.Model]) -> _Section:
        key = model._meta.label_lower
        if key not in sections:
            sections[key] = _Section(key, _section_title(model))
        return sections[key]

    included = [link for link in links if link.label not in EXPORT_EXCLUDED_LINKS]
    for link in included:
        target = section(link.model)
        owned = ERASURE_POLICIES.get(link.label) in ("delete", "anonymise")
        for obj in link.rows(person).order_by("pk"):
            if isinstance(obj, AuditEvent):
                target.add(_audit_row(obj, user, names))
                continue
            target.add(_Row(obj.pk, _heading(obj), _values(obj, names, linked, skip=(link.field.name,))))
            if owned:
                for child_model, child in _children(obj, linked):
                    section(child_model).add(_Row(child.pk, _heading(child), _values(child, names, linked)))
    for link in links:
        if link not in included:
            # Rows already in the copy through another link (consent they gave online and so
            # recorded themselves) are not "left out".
            shown = (
                sections[link.model._meta.label_lower].seen
                if link.model._meta.label_lower in sections
                else set()
            )
            count = link.rows(person).exclude(pk__in=shown).count()
            if count:
                what = f"{_section_title(link.model)} that name you as “{link.field.verbose_name}”"
                left_out.append(_LeftOut(link.label, what, count, EXPORT_EXCLUDED_LINKS[link.label]))
    rank = {key: n for n, key in enumerate(SECTION_TITLES)}
    ordered = sorted(
        sections.values(), key=lambda s: (s.key == "core.auditevent", rank.get(s.key, 99), s.title)
    )
    return _Export(timezone.now(), person, about, ordered, left_out)


def export_person(person: Person) -> dict[str, Any]:
    """Everything held about the person, as plain data (no audit row: the ``export_*`` callers write it).

    ``{"generated_at", "person": {...}, "related": {"app_label.model": [rows]}, "left_out": [...]}``.
    Encrypted text is decrypted (it is the person's own); people they are linked to appear by
    display name only; secrets and other people's records are left out (``EXPORT_EXCLUDED_*``).
    """
    return _collect(person).as_dict()


def _audit_export(actor: User, person: Person, fmt: str) -> None:
    audit(actor=actor, action="person.exported", obj=person, subject=person.user, format=fmt)


@transaction.atomic
def export_json(person: Person, *, actor: User) -> str:
    """The copy for machines: stable keys, ISO dates with their UTC offset."""
    _audit_export(actor, person, "json")
    return json.dumps(export_person(person), ensure_ascii=False, indent=2, sort_keys=False)


def _render_html(person: Person) -> str:
    export = _collect(person)
    return render_to_string(
        "people/export.html",
        {
            "export": export,
            "name": export.person.user.full_name,
            "generated": dateformat.format(timezone.localtime(export.generated_at, LONDON), "j F Y, H:i"),
            "service_name": settings.SERVICE_NAME,
            "contact_email": settings.SERVICE_CONTACT_EMAIL,
        },
    )


@transaction.atomic
def export_html(person: Person, *, actor: User) -> str:
    """The copy for people: one standalone page, in plain English."""
    _audit_export(actor, person, "html")
    return _render_html(person)


# Print styles for the PDF. They are handed to WeasyPrint rather than written into the template,
# which keeps the project's rule that no template carries inline styles (the HTML download reads
# well with a browser's own styles).
EXPORT_CSS = """
@page { size: A4; margin: 18mm 16mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-family: "Liberation Sans", Arial,
    "DejaVu Sans", sans-serif; font-size: 9pt; color: #505a5f; } }
body { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45;
  color: #0b0c0c; }
h1 { font-size: 20pt; margin: 0 0 0.3em; }
h2 { font-size: 15pt; margin: 1.4em 0 0.4em; padding-top: 0.3em; border-top: 3px solid #1d70b8;
  break-after: avoid; }
h3 { font-size: 12pt; margin: 1em 0 0.3em; break-after: avoid; }
p { margin: 0 0 0.7em; }
dl { display: grid; grid-template-columns: 13em 1fr; gap: 0.2em 1em; margin: 0 0 0.8em; }
dt { font-weight: bold; }
dd { margin: 0; }
.record { break-inside: avoid; border-left: 4px solid #b1b4b6; padding: 0 0 0 0.8em; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
th, td { text-align: left; vertical-align: top; padding: 0.3em 0.6em 0.3em 0; border-bottom: 1px solid #b1b4b6; }
tr { break-inside: avoid; }
"""


@transaction.atomic
def export_pdf(person: Person, *, actor: User) -> bytes:
    """The HTML copy as a PDF (nothing fetched: ``core.pdf``)."""
    from sidebyside.core.pdf import render_pdf

    _audit_export(actor, person, "pdf")
    return render_pdf(_render_html(person), EXPORT_CSS)


# --- Retention -------------------------------------------------------------------------------------

STAFF_ROLES = (
    Membership.Role.PROGRAMME_ADMIN,
    Membership.Role.LEADER,
    Membership.Role.COORDINATOR,
    Membership.Role.FACILITATOR,
)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last_day))


def retention_due(now: datetime.datetime | None = None) -> QuerySet[Person]:
    """People nobody has heard from for longer than ``PEOPLE_RETENTION_MONTHS``.

    Activity is ``last_active_on``, or the day the user was added when there has been none.
    Staff (an active staff membership) and operators' accounts are never due; erased people
    are done.
    """
    now = now or timezone.now()
    cutoff = _months_before(timezone.localdate(now), settings.PEOPLE_RETENTION_MONTHS)
    staff = Membership.objects.filter(user=OuterRef("user"), ended_at__isnull=True, role__in=STAFF_ROLES)
    return (
        Person.objects.filter(erased_at__isnull=True, user__is_superuser=False)
        .filter(
            Q(last_active_on__lt=cutoff) | Q(last_active_on__isnull=True, user__date_joined__date__lt=cutoff)
        )
        .exclude(Exists(staff))
    )


def retention_run(*, now: datetime.datetime | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Warn the people who are due, and erase those warned long enough ago. Returns (warned, erased).

    A warning sets ``retention_warned_at``: coordinators see the person in their follow-up list
    ("Record due to be erased") and can get in touch; any activity of the person clears it.
    Those still due ``PEOPLE_RETENTION_WARNING_DAYS`` after their warning are erased, by no one
    (``actor=None``). A warning left on someone no longer due (they became staff, or the
    retention period was lengthened) is cleared. Each person is its own transaction, so one
    failure does not undo the rest.
    """
    now = now or timezone.now()
    warned_before = now - datetime.timedelta(days=settings.PEOPLE_RETENTION_WARNING_DAYS)
    due = retention_due(now)
    to_erase = list(due.filter(retention_warned_at__lte=warned_before).values_list("pk", flat=True))
    to_warn = list(due.filter(retention_warned_at__isnull=True).values_list("pk", flat=True))
    if dry_run:
        return len(to_warn), len(to_erase)

    erased = 0
    for pk in to_erase:
        with transaction.atomic():
            person = Person.objects.select_for_update().filter(pk=pk).order_by("pk").first()
            # Still due and still warned, now that the row is locked?
            if (
                person is None
                or not retention_due(now).filter(pk=pk, retention_warned_at__lte=warned_before).exists()
            ):
                continue
            person_erase(actor=None, person=person)
            erased += 1
    warned = 0
    for pk in to_warn:
        with transaction.atomic():
            person = (
                Person.objects.select_for_update().select_related("user").filter(pk=pk).order_by("pk").first()
            )
            if person is None or person.retention_warned_at is not None:
                continue
            Person.objects.filter(pk=pk).update(retention_warned_at=now)
            audit(actor=None, action="person.retention_warned", obj=person, subject=person.user)
            warned += 1
    stale = Person.objects.filter(retention_warned_at__isnull=False, erased_at__isnull=True).exclude(
        pk__in=retention_due(now).values("pk")
    )
    for person in stale.select_related("user"):
        with transaction.atomic():
            Person.objects.filter(pk=person.pk).update(retention_warned_at=None)
            audit(actor=None, action="person.retention_cleared", obj=person, subject=person.user)
    return warned, erased


# --- Merge -------------------------------------------------------------------------------------------

# Links left where they are when two records merge: the audit log is append-only, and the
# other record's authenticator devices, groups and permissions are deleted when it is erased
# (what someone may do comes from their memberships, which do move).
MERGE_LEAVE = {
    "core.auditevent.actor",
    "core.auditevent.subject",
    "otp_totp.totpdevice.user",
    "accounts.user_groups.user",
    "accounts.user_user_permissions.user",
}

# Fields of the kept record filled from the other when blank on the kept one.
MERGE_FILL_USER = ("known_as",)
MERGE_FILL_PERSON = (
    "pronouns",
    "phone",
    "address",
    "contact_notes",
    "how_came",
    "about_communication",
    "about_know",
    "about_counted_on",
    "about_learn",
)


def _move(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    """The default: point the other record's rows at the kept one."""
    rows = link.rows(other)
    if link.field.unique and link.rows(keep).exists() and rows.exists():
        raise ValueError(f"Both records have a {link.label}, and there can be only one: register a merger.")
    return _bulk_update(rows, **{link.field.name: link.target(keep)})


def _move_supporter_links(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    """People who named the other record as key worker or buddy now name the kept one (never itself)."""
    name = link.field.name
    if getattr(keep, f"{name}_id") == other.pk:
        setattr(keep, name, None)  # saved with the kept record
    return _bulk_update(link.rows(other).exclude(pk=keep.pk), **{name: keep})


def _merge_support_needs(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    theirs = SupportNeeds.objects.filter(person=other).first()
    if theirs is None:
        return 0
    mine = SupportNeeds.objects.filter(person=keep).first()
    if mine is None:
        return _bulk_update(SupportNeeds.objects.filter(pk=theirs.pk), person=keep)
    mine.needs = [*mine.needs, *theirs.needs]
    mine.details = "\n\n".join(text for text in (mine.details, theirs.details) if text)
    mine.updated_by = actor
    mine.lock_version += 1
    mine.full_clean()
    mine.save()
    theirs.delete()
    return 1


def _merge_plans(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    """The other record's plan versions follow the kept record's latest, in their own order."""
    latest = WellbeingPlan.objects.filter(person=keep).aggregate(v=Max("version"))["v"] or 0
    theirs = list(WellbeingPlan.objects.filter(person=other).order_by("version").values_list("pk", flat=True))
    for offset, pk in enumerate(theirs, start=1):
        WellbeingPlan.objects.filter(pk=pk).update(person=keep, version=latest + offset)
    return len(theirs)


def _merge_consents(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    """One consent in force per purpose: the one given more recently stays (the kept record's on a tie)."""
    now = timezone.now()
    for theirs in Consent.objects.filter(person=other, ended_at__isnull=True):
        mine = Consent.objects.filter(person=keep, purpose=theirs.purpose, ended_at__isnull=True).first()
        if mine is None:
            continue
        older = theirs if mine.given_on >= theirs.given_on else mine
        Consent.objects.filter(pk=older.pk).update(
            ended_at=now, ended_reason=Consent.EndReason.REPLACED, ended_by=actor, updated_at=now
        )
    return Consent.objects.filter(person=other).update(person=keep, updated_at=now)


def _merge_memberships(link: Link, *, keep: Person, other: Person, actor: User) -> int:
    """Memberships move, except active ones the kept record already has: those are ended."""
    now = timezone.now()
    moved = 0
    for membership in Membership.objects.filter(user=other.user):
        same_scope = Q(hub__isnull=True) if membership.hub_id is None else Q(hub_id=membership.hub_id)
        duplicate = (
            membership.ended_at is None
            and Membership.objects.filter(
                same_scope,
                user=keep.user,
                programme_id=membership.programme_id,
                role=membership.role,
                ended_at__isnull=True,
            ).exists()
        )
        rows = Membership.objects.filter(pk=membership.pk)
        if duplicate:
            rows.update(ended_at=now, updated_at=now)
        else:
            moved += rows.update(user=keep.user, updated_at=now)
    return moved


register_merger("people.person.key_worker", _move_supporter_links)
register_merger("people.person.buddy", _move_supporter_links)
register_merger("people.supportneeds.person", _merge_support_needs)
register_merger("people.wellbeingplan.person", _merge_plans)
register_merger("people.consent.person", _merge_consents)
register_merger("hubs.membership.user", _merge_memberships)


def _fill_blanks(keep: Person, other: Person) -> list[str]:
    filled: list[str] = []
    for name in MERGE_FILL_USER:
        if not getattr(keep.user, name) and getattr(other.user, name):
            setattr(keep.user, name, getattr(other.user, name))
            filled.append(name)
    if not keep.user.email and other.user.email:
        # Email addresses are unique: take it off the other record before the kept one has it.
        email = other.user.email
        User.objects.filter(pk=other.user_id).update(email=None)
        other.user.email = None
        keep.user.email = email
        filled.append("email")
    keep.user.date_joined = min(keep.user.date_joined, other.user.date_joined)
    for name in MERGE_FILL_PERSON:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            filled.append(name)
    theirs_quiet = (other.quiet_from, other.quiet_until)
    if keep.quiet_from is None and keep.quiet_until is None and theirs_quiet != (None, None):
        keep.quiet_from, keep.quiet_until = theirs_quiet
        filled.append("quiet_times")
    for name in ("key_worker", "buddy"):
        theirs = getattr(other, f"{name}_id")
        if getattr(keep, f"{name}_id") is None and theirs not in (None, keep.pk, other.pk):
            setattr(keep, f"{name}_id", theirs)
            filled.append(name)
    dates = [d for d in (keep.last_active_on, other.last_active_on) if d is not None]
    keep.last_active_on = max(dates) if dates else None
    return filled


@transaction.atomic
def person_merge(*, actor: User, keep: Person, other: Person) -> Person:
    """Make two records of the same human one: ``other``'s rows move to ``keep``, then ``other`` is erased.

    Moves are found by walking the relations, as erasure does; links whose rows would break a
    rule if simply moved have a merger (``register_merger``). Audit rows are never changed: the
    other record's history stays with its (erased) user.
    """
    if keep.pk == other.pk:
        raise ValidationError("A record cannot be merged with itself")
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update()
        .select_related("user")
        .filter(pk__in=[keep.pk, other.pk])
        .order_by("pk")
    }
    keep, other = locked[keep.pk], locked[other.pk]
    if keep.is_erased or other.is_erased:
        raise ValidationError("An erased record cannot be merged")
    moved: dict[str, int] = {}
    for link in linked_relations():
        if link.label in MERGE_LEAVE:
            continue
        merger = _MERGERS.get(link.label, _move)
        count = merger(link, keep=keep, other=other, actor=actor)
        if count:
            moved[link.label] = count
    filled = _fill_blanks(keep, other)
    keep.user.full_clean(exclude=["password"])
    keep.user.save()
    person_erase(actor=actor, person=other)
    keep.lock_version += 1
    keep.full_clean()
    keep.save()
    audit(
        actor=actor,
        action="person.merged",
        obj=keep,
        subject=keep.user,
        other_person=other.pk,
        other_user=other.user_id,
        moved=moved,
        filled=filled,
    )
    return keep
