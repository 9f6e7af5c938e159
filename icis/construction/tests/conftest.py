# The persona world of the permission matrix (cluster A in scope of the commune official and investor X).
from icis.accounts.tests.conftest import api_client_for, world  # noqa: F401
