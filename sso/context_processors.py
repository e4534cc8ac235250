from .config import is_configured


def single_sign_on(request):
    return {"sso_enabled": is_configured()}
