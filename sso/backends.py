"""Sign-in through the organisation's OpenID Connect provider (Microsoft Entra ID or another).

People are matched by their verified email to an existing, active account; nobody is created.
Unknown people, leavers, unverified emails and bad tokens (wrong signature, audience or nonce,
expired) are refused, and each refusal says why on ``request.sso_refusal`` for the page and
the security log.
"""

from __future__ import annotations

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .config import is_configured

UNKNOWN = "unknown"
LEFT = "left"
UNVERIFIED = "unverified"
SEVERAL = "several"
BAD_TOKEN = "token"  # noqa: S105 (a reason, not a secret)


def _refuse(request, reason: str) -> None:
    if request is not None:
        request.sso_refusal = reason


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()
        self.configured = is_configured()
        if self.configured:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        # Only the provider's callback signs in here; the password form is ModelBackend's.
        if not self.configured or request is None or "nonce" not in kwargs:
            return None
        if request.path != reverse("sso:callback"):
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        """The provider's signing key for this token: by key id when the token names one
        (Entra ID always does), else the provider's only key for the algorithm."""
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            proxies=self.get_settings("OIDC_PROXY", None),
        )
        response.raise_for_status()
        try:
            keys = [k for k in response.json().get("keys", []) if isinstance(k, dict)]
            header = jwt.get_unverified_header(token)
        except (ValueError, AttributeError, jwt.InvalidTokenError):
            raise SuspiciousOperation(
                "The provider's keys or the token could not be read."
            ) from None
        keys = [k for k in keys if k.get("alg", header.get("alg")) == header.get("alg")]
        if header.get("kid") is not None:
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("No single signing key matches the token.")
        try:
            return jwt.PyJWK(keys[0])
        except jwt.PyJWTError:
            raise SuspiciousOperation("The provider's signing key could not be used.") from None

    def _verify_jws(self, payload, key):
        """The signature, the algorithm, our client id as audience, and the expiry."""
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.InvalidTokenError:
            raise SuspiciousOperation("The ID token is not a JWT.") from None
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is signed with another algorithm.")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                options={"require": ["exp", "iat", "aud", "sub"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("The ID token has expired.") from None
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"The ID token is not valid: {error}") from None

    def verify_token(self, token, **kwargs):
        try:
            return super().verify_token(token, **kwargs)
        except SuspiciousOperation:
            _refuse(self.request, BAD_TOKEN)
            raise

    def get_userinfo(self, access_token, id_token, payload):
        """The provider's user info, with the verification claims of the (verified) ID token
        where the user info leaves them out (Entra ID puts ``xms_edov`` in the token only)."""
        claims = dict(super().get_userinfo(access_token, id_token, payload) or {})
        if claims.get("sub") not in (None, payload.get("sub")):
            _refuse(self.request, BAD_TOKEN)
            raise SuspiciousOperation("The user info is about someone else.")
        for name in ("email", "email_verified", "xms_edov"):
            if name not in claims and name in payload:
                claims[name] = payload[name]
        return claims

    def verify_claims(self, claims):
        verified = claims.get("email_verified") is True or claims.get("xms_edov") is True
        if not claims.get("email") or not verified:
            _refuse(self.request, UNVERIFIED)
            return False
        return True

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        people = self.UserModel.objects.filter(email__iexact=email)
        active = people.filter(is_active=True)
        count = active.count()
        if count == 0:
            _refuse(self.request, LEFT if people.exists() else UNKNOWN)
        elif count > 1:
            _refuse(self.request, SEVERAL)
        return active

    def create_user(self, claims):
        raise PermissionDenied("Accounts are not created by signing in.")

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None and not getattr(self.request, "sso_refusal", None):
            _refuse(self.request, UNKNOWN)
        return user
