# The hand-computed registry of the Form 03/04 tests, and the persona world of the permission matrix.
from icis.accounts.tests.conftest import world  # noqa: F401

from .registry import registry  # noqa: F401
