"""Validators shared by apps: identifiers as Vietnamese administration writes them."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

TAX_CODE = RegexValidator(
    r"^\d{10}(-\d{3})?$",
    _("A Vietnamese tax code (MST) is 10 digits, or 10 digits, a hyphen and 3 digits for a branch."),
    code="tax_code",
)
