from django.urls import path

from .views import member, secretariat

app_name = "notices"

urlpatterns = [
    path("", member.notice_list, name="list"),
    path("<int:pk>/", member.notice_detail, name="detail"),
    path("<int:pk>/acknowledge/", member.notice_acknowledge, name="acknowledge"),
    path("<int:pk>/attachments/<int:attachment_pk>/", member.attachment_download, name="attachment"),
    # The secretariat's pages.
    path("secretariat/", secretariat.manage, name="manage"),
    path("secretariat/new/", secretariat.compose, name="compose"),
    path("secretariat/reach/", secretariat.reach, name="reach"),
    path("secretariat/<int:pk>/edit/", secretariat.edit, name="edit"),
    path("secretariat/<int:pk>/publish/", secretariat.publish, name="publish"),
    path("secretariat/<int:pk>/unschedule/", secretariat.unschedule, name="unschedule"),
    path("secretariat/<int:pk>/archive/", secretariat.archive, name="archive"),
    path("secretariat/<int:pk>/report/", secretariat.report, name="report"),
    path("secretariat/<int:pk>/remind/", secretariat.remind, name="remind"),
    path("secretariat/<int:pk>/progress/", secretariat.progress, name="progress"),
]
