"""A hub's text number: the phone number people text their thoughts to (GOV.UK Notify's
inbound number for the service), so that texts to it become the hub's contributions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sidebyside.core.audit import audit
from sidebyside.core.forms import GovukForm
from sidebyside.core.params import row_id
from sidebyside.hubs.models import Hub
from sidebyside.people.phone import display_phone, normalise_phone
from sidebyside.voices.access import get_voices_hub_for
from sidebyside.voices.models import InboundNumber


class TextNumberForm(GovukForm):
    number = forms.CharField(
        label="Text number",
        max_length=30,
        help_text="The number GOV.UK Notify gave the service for texts in, for example 07700 900500.",
        error_messages={"required": "Enter the text number"},
    )

    def __init__(self, *args: object, hub: Hub, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.hub = hub

    def clean_number(self) -> str:
        number = normalise_phone(self.cleaned_data["number"])
        taken = (
            InboundNumber.objects.filter(number=number).exclude(hub=self.hub).select_related("hub").first()
        )
        if taken is not None:
            raise ValidationError(f"That number already brings texts to {taken.hub.name}")
        return number


@transaction.atomic
def text_number_add(*, actor: object, hub: Hub, number: str) -> InboundNumber:
    row, created = InboundNumber.objects.get_or_create(number=number, defaults={"hub": hub})
    if created:
        audit(actor=actor, action="voices.text_number_added", obj=hub)
    return row


@transaction.atomic
def text_number_remove(*, actor: object, hub: Hub, number_id: int) -> int:
    deleted, _ = InboundNumber.objects.filter(pk=number_id, hub=hub).delete()
    if deleted:
        audit(actor=actor, action="voices.text_number_removed", obj=hub)
    return deleted


@login_required
@require_http_methods(["GET", "POST"])
def hub_text_number(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_voices_hub_for(request.user, hub_id, "text_number")
    form = TextNumberForm(request.POST if request.method == "POST" else None, hub=hub)
    if request.method == "POST" and (removing := row_id(request.POST.get("remove"))) is not None:
        if text_number_remove(actor=request.user, hub=hub, number_id=removing):
            messages.success(request, "Text number removed: texts to it no longer come to this hub")
        return redirect("voices:hub_text_number", hub_id=hub.pk)
    if request.method == "POST" and form.is_valid():
        text_number_add(actor=request.user, hub=hub, number=form.cleaned_data["number"])
        messages.success(request, "Text number saved: texts to it now come to this hub")
        return redirect("voices:hub_text_number", hub_id=hub.pk)
    numbers = [
        (row, display_phone(row.number)) for row in InboundNumber.objects.filter(hub=hub).order_by("number")
    ]
    return render(request, "voices/numbers/text_number.html", {"hub": hub, "form": form, "numbers": numbers})
