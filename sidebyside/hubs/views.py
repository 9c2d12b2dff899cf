from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sidebyside.accounts.models import User
from sidebyside.hubs import services
from sidebyside.hubs.access import get_hub_for, get_organisation_for, get_programme_for
from sidebyside.hubs.forms import HubForm, OrganisationForm, OrganisationSearchForm, ProgrammeForm
from sidebyside.hubs.models import Hub, Organisation


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_programme_for(request.user, programme_id, need="change")
    form = ProgrammeForm(request.POST or None, instance=type(programme).objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        services.programme_update(actor=_actor(request), programme=programme, **form.cleaned_data)
        messages.success(request, "Programme details saved")
        return redirect("dashboards:programme", programme_id=programme.pk)
    return render(request, "hubs/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_http_methods(["GET", "POST"])
def hub_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_programme_for(request.user, programme_id, need="add_hub")
    form = HubForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        hub = services.hub_create(actor=_actor(request), programme=programme, **form.cleaned_data)
        messages.success(request, f"{hub.name} hub added")
        return redirect("dashboards:hub", hub_id=hub.pk)
    return render(request, "hubs/hub_form.html", {"form": form, "programme": programme, "hub": None})


@login_required
@require_http_methods(["GET", "POST"])
def hub_edit(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, need="change")
    form = HubForm(request.POST or None, instance=Hub.objects.get(pk=hub.pk), programme=hub.programme)
    if request.method == "POST" and form.is_valid():
        services.hub_update(actor=_actor(request), hub=hub, **form.cleaned_data)
        messages.success(request, "Hub details saved")
        return redirect("dashboards:hub", hub_id=hub.pk)
    return render(request, "hubs/hub_form.html", {"form": form, "programme": hub.programme, "hub": hub})


@login_required
@require_http_methods(["GET", "POST"])
def hub_archive(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, need="archive")
    if request.method == "POST":
        services.hub_archive(actor=_actor(request), hub=hub)
        messages.success(request, f"{hub.name} hub archived. You can restore it from the hub page")
        return redirect("dashboards:programme", programme_id=hub.programme_id)
    return render(request, "hubs/hub_archive.html", {"hub": hub})


@login_required
@require_POST
def hub_restore(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = get_hub_for(request.user, hub_id, need="archive")
    services.hub_restore(actor=_actor(request), hub=hub)
    messages.success(request, f"{hub.name} hub restored")
    return redirect("dashboards:hub", hub_id=hub.pk)


@login_required
def organisation_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_programme_for(request.user, programme_id, need="view_organisations")
    search = OrganisationSearchForm(request.GET or None)
    organisations = Organisation.objects.filter(programme=programme)
    query, show_archived = "", False
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
        show_archived = search.cleaned_data["show_archived"]
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(kind__icontains=query))
    if not show_archived:
        organisations = organisations.filter(archived_at__isnull=True)
    can_add = request.user.has_perm("hubs.add_organisation", programme)
    # With htmx (typing in the search box) only the results are sent; without it, the page.
    template = "hubs/organisation_list.html" + ("#results" if request.htmx else "")  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "programme": programme,
            "organisations": organisations,
            "search": search,
            "query": query,
            "can_add": can_add,
            "can_change": request.user.has_perm("hubs.change_organisation", programme),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_programme_for(request.user, programme_id, need="add_organisation")
    form = OrganisationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            actor=_actor(request), programme=programme, **form.cleaned_data
        )
        messages.success(request, f"{organisation.name} added")
        return redirect("hubs:organisation_list", programme_id=programme.pk)
    return render(
        request, "hubs/organisation_form.html", {"form": form, "programme": programme, "organisation": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id, need="change")
    form = OrganisationForm(
        request.POST or None,
        instance=Organisation.objects.get(pk=organisation.pk),
        programme=organisation.programme,
    )
    if request.method == "POST" and form.is_valid():
        services.organisation_update(actor=_actor(request), organisation=organisation, **form.cleaned_data)
        messages.success(request, f"{organisation.name} saved")
        return redirect("hubs:organisation_list", programme_id=organisation.programme_id)
    return render(
        request,
        "hubs/organisation_form.html",
        {
            "form": form,
            "programme": organisation.programme,
            "organisation": organisation,
            "can_archive": request.user.has_perm("hubs.archive_organisation", organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_archive(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id, need="archive")
    if request.method == "POST":
        services.organisation_archive(actor=_actor(request), organisation=organisation)
        messages.success(request, f"{organisation.name} archived")
        return redirect("hubs:organisation_list", programme_id=organisation.programme_id)
    return render(request, "hubs/organisation_archive.html", {"organisation": organisation})


@login_required
@require_POST
def organisation_restore(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_for(request.user, organisation_id, need="archive")
    services.organisation_restore(actor=_actor(request), organisation=organisation)
    messages.success(request, f"{organisation.name} restored")
    return redirect("hubs:organisation_list", programme_id=organisation.programme_id)
