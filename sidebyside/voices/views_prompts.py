"""A programme's questions (prompts): the staff of the programme see, add and change them; its
admins archive and restore them.

Programmes start with the library's questions (``prompt_library``). Writes go through the
``prompt_*`` functions there, atomic and audited. Pages work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.core.forms import GovukForm
from sidebyside.hubs.access import get_programme_for
from sidebyside.hubs.models import Programme
from sidebyside.voices import prompt_library as library
from sidebyside.voices.models import Contribution, Prompt


class PromptForm(GovukForm):
    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text="Short and in plain words, as you would say it out loud.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 300 characters or fewer",
        },
    )
    hint = forms.CharField(
        label="Help for people answering (optional)",
        required=False,
        max_length=300,
        help_text="Shown under the question, for example “Think about the last time you asked for help”.",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The help must be 300 characters or fewer"},
    )

    def __init__(self, *args: Any, programme: Programme, prompt: Prompt | None = None, **kwargs: Any) -> None:
        self.programme, self.prompt = programme, prompt
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError("Enter the question")
        if (existing := library.same_words(self.programme, text, self.prompt)) is not None:
            raise forms.ValidationError(library.taken_message(existing))
        return text

    def clean_hint(self) -> str:
        return " ".join(self.cleaned_data["hint"].split())


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _programme_for(request: HttpRequest, programme_id: int, perm: str) -> Programme:
    programme = get_programme_for(request.user, programme_id)  # 404 for those who may not know it
    if not request.user.has_perm(perm, programme):
        raise PermissionDenied
    return programme


def _prompt_for(request: HttpRequest, prompt_id: int, perm: str) -> Prompt:
    prompt = Prompt.objects.select_related("programme").filter(pk=prompt_id).first()
    if prompt is None or not request.user.has_perm("voices.view_prompts", prompt):
        raise Http404
    if not request.user.has_perm(perm, prompt):
        raise PermissionDenied
    return prompt


def _save(form: PromptForm, write: Any) -> str | None:
    """Run ``write``; on a clash, put the reason on the form and return None."""
    try:
        prompt: Prompt = write()
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    except IntegrityError:  # the same words saved a moment ago by someone else
        typed = form.cleaned_data["text"]
        existing = library.same_words(form.programme, typed, form.prompt)
        form.add_error("text", library.taken_message(existing or typed))
    else:
        return prompt.text
    return None


@login_required
@require_GET
def prompt_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_for(request, programme_id, "voices.view_prompts")
    prompts = list(Prompt.objects.filter(programme=programme).order_by("text"))
    answers = dict(
        Contribution.objects.filter(prompt__programme=programme)
        .order_by()
        .values("prompt_id")
        .annotate(n=Count("pk"))
        .values_list("prompt_id", "n")
    )
    for prompt in prompts:
        prompt.answers = answers.get(prompt.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "voices/prompts/prompt_list.html",
        {
            "programme": programme,
            "prompts": [p for p in prompts if p.archived_at is None],
            "archived": [p for p in prompts if p.archived_at is not None],
            "can_change": request.user.has_perm("voices.change_prompts", programme),
            "can_archive": request.user.has_perm("voices.archive_prompts", programme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompt_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme_for(request, programme_id, "voices.change_prompts")
    form = PromptForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: library.prompt_create(actor=_actor(request), programme=programme, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, f"Question added: {saved}")
            return redirect("voices:prompt_list", programme_id=programme.pk)
    return render(
        request,
        "voices/prompts/prompt_form.html",
        {"form": form, "programme": programme, "prompt": None, "answers": 0},
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompt_edit(request: HttpRequest, prompt_id: int) -> HttpResponse:
    prompt = _prompt_for(request, prompt_id, "voices.change_prompts")
    form = PromptForm(
        request.POST or None,
        initial={"text": prompt.text, "hint": prompt.hint},
        programme=prompt.programme,
        prompt=prompt,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, lambda: library.prompt_update(actor=_actor(request), prompt=prompt, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, f"Question saved: {saved}")
            return redirect("voices:prompt_list", programme_id=prompt.programme_id)
    return render(
        request,
        "voices/prompts/prompt_form.html",
        {
            "form": form,
            "programme": prompt.programme,
            "prompt": prompt,
            "answers": Contribution.objects.filter(prompt=prompt).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompt_archive(request: HttpRequest, prompt_id: int) -> HttpResponse:
    prompt = _prompt_for(request, prompt_id, "voices.archive_prompts")
    if request.method == "POST":
        library.prompt_archive(actor=_actor(request), prompt=prompt)
        messages.success(request, f"Question archived: {prompt.text}. You can restore it from this page")
        return redirect("voices:prompt_list", programme_id=prompt.programme_id)
    return render(
        request,
        "voices/prompts/prompt_archive.html",
        {"prompt": prompt, "answers": Contribution.objects.filter(prompt=prompt).count()},
    )


@login_required
@require_POST
def prompt_restore(request: HttpRequest, prompt_id: int) -> HttpResponse:
    prompt = _prompt_for(request, prompt_id, "voices.archive_prompts")
    library.prompt_restore(actor=_actor(request), prompt=prompt)
    messages.success(request, f"Question restored: {prompt.text}")
    return redirect("voices:prompt_list", programme_id=prompt.programme_id)
