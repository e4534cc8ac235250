"""Single sign-on is on only when every OpenID Connect setting is given."""

from django.conf import settings

REQUIRED = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


def is_configured() -> bool:
    return all(getattr(settings, name, "") for name in REQUIRED)
