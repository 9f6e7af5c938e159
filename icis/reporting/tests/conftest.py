# The hand-computed registry of the Form 03/04 tests (the persona world comes from icis/conftest.py).
from .registry import registry  # noqa: F401
