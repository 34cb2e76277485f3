from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from members.models import ApiKey, Organisation
from members.rules import Actor
from members.services import api_key_issue

# Whoever runs manage.py on the server acts as the secretariat (there is no signed-in person to name).
CONSOLE = Actor(is_secretariat=True)


class Command(BaseCommand):
    help = "Issues an API key for an organisation and prints it once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's short name (slug)")
        parser.add_argument("--name", required=True, help="a label for the key, e.g. the partner system using it")
        parser.add_argument("--write", action="store_true", help="allow writes (default: read only)")

    def handle(self, *args, organisation: str, name: str, write: bool, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            raise CommandError(
                _("No organisation has the short name %(slug)s. Check the spelling in the admin.")
                % {"slug": organisation}
            )
        if found.status not in (Organisation.Status.ACTIVE, Organisation.Status.PENDING):
            self.stderr.write(
                _("Warning: %(organisation)s is %(status)s; its keys are refused until it is active again.")
                % {"organisation": found.name, "status": found.get_status_display()}
            )
        scope = ApiKey.Scope.WRITE if write else ApiKey.Scope.READ
        try:
            api_key, raw_key = api_key_issue(actor=CONSOLE, organisation=found, name=name, scope=scope)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            _("Issued API key “%(name)s” (%(scope)s, prefix %(prefix)s) for %(organisation)s (%(slug)s).")
            % {
                "name": api_key.name,
                "scope": api_key.get_scope_display(),
                "prefix": api_key.prefix,
                "organisation": found.name,
                "slug": found.slug,
            }
        )
        self.stdout.write(
            _("It is shown only this once; only its hash is kept. Send it as: Authorization: Bearer <key>")
        )
        self.stdout.write(raw_key)
