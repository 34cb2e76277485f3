"""What members see: the notices addressed to their organisation, one notice in full, and the acknowledge button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from alliance_portal.downloads import file_download
from alliance_portal.errors import ConflictError, NotAllowed
from members.models import Membership
from members.views.access import actor_for, service_refused

from .. import services
from ..forms import NoticeFilterForm
from ..models import Acknowledgement, Notice
from ..selectors import notice_list as notice_list_query
from .access import membership_for, visible_notice

PAGE_SIZE = 20


@require_safe
@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    form = NoticeFilterForm(request.GET or None)
    notices = notice_list_query(
        organisation=membership.organisation if membership else None,
        user=request.user,
        is_staff=request.user.is_staff,
        category=form.category_value(),
        q=form.search_value(),
    )
    page_obj = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "has_organisation": membership is not None}
    return render(request, "notices/notice_list.html", context)


def body_in_language(notice: Notice) -> tuple[SafeString, bool]:
    """The stored HTML of the body in the page's language, or of the other one with a flag saying so: no Markdown
    is rendered on a read."""
    chinese = (translation.get_language() or "zh-hans").startswith("zh")
    first, second = ("zh", "en") if chinese else ("en", "zh")
    if getattr(notice, f"body_{first}").strip():
        html, other_language = getattr(notice, f"body_html_{first}"), False
    elif getattr(notice, f"body_{second}").strip():
        html, other_language = getattr(notice, f"body_html_{second}"), True
    else:
        html, other_language = "", False
    return mark_safe(html), other_language  # noqa: S308  # nosec B308, B703  # sanitised when stored (Notice.save)


def _public_notice(pk: int) -> Notice | None:
    return Notice.objects.filter(pk=pk, status=Notice.Status.PUBLISHED, is_public=True).first()


@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        # Visitors read the public notices of the home page; any other id sends them to sign in, saying nothing
        # about whether it exists.
        notice = _public_notice(pk)
        if notice is None:
            return redirect_to_login(request.get_full_path())
    else:
        notice = visible_notice(request, pk)
        services.notice_mark_read(notice=notice, user=request.user)
    membership = membership_for(request.user)
    body_html, other_language = body_in_language(notice)
    acknowledgement = None
    if membership is not None:
        acknowledgement = (
            Acknowledgement.objects.select_related("user", "api_key")
            .filter(notice=notice, organisation=membership.organisation)
            .first()
        )
    context = {
        "notice": notice,
        "body_html": body_html,
        "other_language": other_language,
        "attachments": list(notice.attachments.all()),
        "acknowledgement": acknowledgement,
        "asks_ack": notice.requires_ack and membership is not None and notice.status == Notice.Status.PUBLISHED,
        "can_acknowledge": membership is not None and actor_for(request, membership).can_write,
    }
    return render(request, "notices/notice_detail.html", context)


def acknowledge_for_organisation(
    request: HttpRequest, membership: Membership, notice: Notice, *, thanks: str, then: str
) -> HttpResponse:
    """A member's acknowledgement of `notice` for its organisation, through the service, as every web door answers it:
    the refusal page for an actor who may not write, a 404 for a notice not addressed to the organisation, otherwise
    a message (`thanks` for a new acknowledgement) and a redirect to `then`. The door has found the membership and the
    notice (each a 404 when missing)."""
    actor = actor_for(request, membership)
    refusal = actor.refusal()
    if refusal is not None:
        return service_refused(request, refusal)
    try:
        acknowledgement, created = services.notice_acknowledge(actor=actor, notice=notice)
    except NotAllowed as error:
        if error.code == services.NOT_IN_AUDIENCE:
            # Visible to the secretariat but not addressed to the user's own organisation.
            raise Http404 from None
        return service_refused(request, error)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(request, thanks)
        else:
            messages.info(
                request,
                _("%(who)s already acknowledged this notice for your organisation.")
                % {"who": acknowledgement.by or _("A colleague")},
            )
    return redirect(then)


@require_POST
@login_required
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_for(request.user)
    if membership is None:
        raise Http404
    notice = visible_notice(request, pk)
    return acknowledge_for_organisation(
        request,
        membership,
        notice,
        thanks=_("Thank you: your organisation has acknowledged this notice."),
        then=reverse("notices:detail", args=[notice.pk]),
    )


@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        notice = _public_notice(pk)
        if notice is None:
            return redirect_to_login(request.get_full_path())
    else:
        notice = visible_notice(request, pk)
    attachment = get_object_or_404(notice.attachments, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return file_download(handle, filename=attachment.name, content_type=attachment.content_type)
