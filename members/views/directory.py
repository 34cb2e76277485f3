"""The member directory: active organisations' public profiles, for anyone signed in."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..forms import DirectoryFilterForm
from ..models import Organisation
from ..selectors import DIRECTORY_FIELDS, organisation_directory

PAGE_SIZE = 25


@require_safe
@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    page_obj = Paginator(organisation_directory(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/directory.html", {"form": form, "page_obj": page_obj})


@require_safe
@login_required
def directory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Staff may look at a pending or suspended member too; everyone else only at active ones.
    organisations = Organisation.objects.all() if request.user.is_staff else Organisation.objects.public()
    organisation = get_object_or_404(
        organisations.only(*DIRECTORY_FIELDS, "website", "description_zh", "description_en").prefetch_related(
            "categories_supplied", "categories_consumed"
        ),
        slug=slug,
    )
    return render(request, "members/directory_detail.html", {"organisation": organisation})
