"""A local OpenID Connect provider for the tests (oidc-provider-mock), on a free port."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import requests
from oidc_provider_mock import run_server_in_thread

CLIENT_ID = "improvement-plan"
CLIENT_SECRET = "not-a-real-secret"


@contextmanager
def provider(*, token_max_age: timedelta = timedelta(hours=1)):
    with run_server_in_thread(
        port=0, require_nonce=True, access_token_max_age=token_max_age
    ) as server:
        yield f"http://localhost:{server.server_port}"


def configure(settings, base: str) -> None:
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"


def add_person(base: str, sub: str, *, email: str, verified: bool = True) -> None:
    response = requests.put(
        f"{base}/users/{sub}",
        json={"email": email, "email_verified": verified, "name": sub.title()},
        timeout=10,
    )
    response.raise_for_status()


def authorize(authorize_url: str, sub: str) -> str:
    """What the person does at the provider: choose who they are. Returns the callback URL."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:500]
    return response.headers["Location"]
