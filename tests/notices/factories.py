from django.utils import timezone

from notices.models import Notice


def make_notice(*, status: str = Notice.Status.PUBLISHED, organisations=(), **fields) -> Notice:
    """A notice as a row in the given state (use notices.services to move it the way the secretariat does)."""
    defaults = {
        "title_zh": "测试通知",
        "title_en": "Test notice",
        "body_zh": "正文",
        "body_en": "Body",
        "category": Notice.Category.POLICY,
        "audience_kind": Notice.Audience.ALL,
    }
    if status == Notice.Status.PUBLISHED:
        defaults["published_at"] = timezone.now()
    if status == Notice.Status.SCHEDULED:
        defaults["publish_at"] = timezone.now() + timezone.timedelta(hours=1)
    notice = Notice.objects.create(status=status, **{**defaults, **fields})
    if organisations:
        notice.organisations.set(organisations)
    return notice
