from django.urls import path

from .views import directory, organisation, people, reports

app_name = "members"

urlpatterns = [
    path("org/", organisation.my_organisation, name="my_organisation"),
    path("org/edit/", organisation.organisation_edit, name="organisation_edit"),
    path("org/sites/new/", organisation.site_create, name="site_create"),
    path("org/sites/<int:pk>/edit/", organisation.site_edit, name="site_edit"),
    path("org/contacts/new/", organisation.contact_create, name="contact_create"),
    path("org/contacts/<int:pk>/edit/", organisation.contact_edit, name="contact_edit"),
    path("org/contacts/<int:pk>/delete/", organisation.contact_delete, name="contact_delete"),
    path("org/invitations/new/", people.invitation_new, name="invitation_create"),
    path("org/invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("org/members/<int:pk>/role/", people.membership_role, name="membership_role"),
    path("org/members/<int:pk>/remove/", people.membership_delete, name="membership_remove"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/new/", reports.report_create, name="report_create"),
    path("reports/missing/", reports.reports_missing, name="reports_missing"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("directory/", directory.directory, name="directory"),
    path("directory/<slug:slug>/", directory.directory_detail, name="directory_detail"),
]
