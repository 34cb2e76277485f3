"""An index in the notice lists' own order, so that a page of a member's list is read from its first rows
(docs/performance.md, "Notices: the page first")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0007_notice_stored_body_html"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["-pinned", "-published_at", "-id"], name="notice_list_order_idx"),
        ),
    ]
