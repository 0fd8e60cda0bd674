"""Form pieces shared by apps: the repeated query parameter of a multi-choice facet."""

from django import forms
from django.core.exceptions import ValidationError


class RepeatedField(forms.Field):
    """A query parameter that may repeat (`?region=africa&region=arab-states`), each
    value cleaned by `child` (its errors are this field's), as a sorted list without
    repeats; [] when absent. The directory's and the library's facets are these: several
    values of one facet are alternatives (OR), different facets combine (AND)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, child: forms.Field, *, normalise=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.child = child
        self.normalise = normalise or (lambda value: value)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        # A plain dict (gnlc export's options) gives one value, a QueryDict a list.
        values = [value] if isinstance(value, str | int) else list(value)
        cleaned = []
        for item in values:
            if item in ("", None):
                continue
            try:
                item = self.normalise(self.child.clean(item))
            except ValidationError as error:
                raise ValidationError(error.messages) from None
            if item not in (None, "") and item not in cleaned:
                cleaned.append(item)
        return sorted(cleaned)

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
