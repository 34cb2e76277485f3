"""The secretariat's admin for the member registry, one module per family of models:

- `organisations`: organisations (with their sites, contacts and people inline) and the approve / suspend / withdraw
  actions;
- `people`: contacts, memberships (roles), invitations, users;
- `registry`: sites, risk areas, material categories, the secretariat's contacts;
- `api_keys`: partners' API keys (issue, relabel, revoke);
- `importing`: CSV / Excel import and export of the registry, all or nothing;
- `reports`: members' status reports (filed through members.services_reports) and who has not reported;
- `common`: a service's refusal on a change page as a message, adopting a row a service created.

Writes with rules (approval, suspension, withdrawal, API keys, roles, invitations) go through members.services with
the signed-in secretariat as the actor, as they do from the web and the API. Nothing the alliance may be asked about
later is deleted here: organisations are withdrawn, keys revoked, users deactivated; django-simple-history shows who
changed what, and offers no revert.
"""

from . import api_keys, organisations, people, registry, reports  # noqa: F401 - importing registers the admins
