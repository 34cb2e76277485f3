"""Notices keep their bodies' sanitised HTML, rendered when a body is written (Notice.save), so that no read renders
Markdown; existing notices are rendered once here. And an index for the alert list's default order."""

from django.db import migrations, models

from alliance_portal.markdown import render


def render_existing(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    batch = []
    for notice in Notice.objects.only("pk", "body_zh", "body_en").iterator(chunk_size=500):
        notice.body_html_zh = str(render(notice.body_zh))
        notice.body_html_en = str(render(notice.body_en))
        batch.append(notice)
        if len(batch) >= 500:
            Notice.objects.bulk_update(batch, ["body_html_zh", "body_html_en"])
            batch = []
    if batch:
        Notice.objects.bulk_update(batch, ["body_html_zh", "body_html_en"])


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0006_bounded_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="body_html_zh",
            field=models.TextField(blank=True, editable=False, verbose_name="text as HTML (Chinese)"),
        ),
        migrations.AddField(
            model_name="notice",
            name="body_html_en",
            field=models.TextField(blank=True, editable=False, verbose_name="text as HTML (English)"),
        ),
        # A new column starts empty; the bodies are rendered again when the migration is reversed and re-applied.
        migrations.RunPython(render_existing, migrations.RunPython.noop),
        # The secretariat's alert list, in the API's default order.
        migrations.AddIndex(
            model_name="alert",
            index=models.Index(fields=["-created_at", "-id"], name="alert_list_idx"),
        ),
    ]
