"""Production: HTTPS only, secure cookies, HSTS, two-factor sign-in required for admins and DoIT.

Use with DJANGO_SETTINGS_MODULE=config.settings.production and at least SECRET_KEY, ALLOWED_HOSTS
and DATABASE_URL (PostgreSQL) in the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from icis.core.env import env_bool, env_int

os.environ.setdefault("ICIS_REQUIRE_2FA", "1")
os.environ.setdefault("ICIS_LOG_JSON", "1")  # one JSON object a line, with the request id (docs/deployment.md)
if env_bool("ICIS_BEHIND_PROXY", True):
    # nginx on the same machine; set ICIS_TRUSTED_PROXIES to the proxies' addresses otherwise.
    os.environ.setdefault("ICIS_TRUSTED_PROXIES", "127.0.0.1,::1")

from .base import *  # noqa: E402,F403

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production settings")

SECURE_SSL_REDIRECT = env_bool("ICIS_SSL_REDIRECT", True)
# The load balancer checks these over plain HTTP on the private network; they must answer, not redirect.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]
if env_bool("ICIS_BEHIND_PROXY", True):
    # The TLS-terminating reverse proxy (nginx) sets this header; Django must not trust it otherwise.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env_int("ICIS_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
