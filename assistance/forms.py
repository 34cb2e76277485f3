from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Difficulty, Organisation

from .models import DESCRIPTION_LENGTH, NOTE_LENGTH, AssistanceCase
from .services import secretariat_users


class SecretariatUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class CaseOpenForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.exclude(status=Organisation.Status.WITHDRAWN)
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Difficulty.choices)
    description = forms.CharField(
        label=pgettext_lazy("assistance case", "Description"),
        max_length=DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    assignee = SecretariatUserField(label=_("Assigned to"), queryset=secretariat_users(), required=False)


class AssignForm(forms.Form):
    assignee = SecretariatUserField(label=_("Assigned to"), queryset=secretariat_users())


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
    for_member = forms.BooleanField(label=_("For the member (they see it and are told)"), required=False, initial=False)


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=AssistanceCase.Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to resolve or close: what was done, or why."),
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and in progress")), ("all", _("All")), *AssistanceCase.Status.choices],
    )
    stale = forms.BooleanField(label=_("Only stale cases"), required=False)
