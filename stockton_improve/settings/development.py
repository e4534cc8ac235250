"""Local development: works with no environment variables set.

DEBUG stays off unless the environment turns it on (``make run`` does). The fallback secret
key is for a developer's own machine only; production settings have none.
"""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-not-for-production")
