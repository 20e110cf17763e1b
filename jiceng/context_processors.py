from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {"site_title": settings.SITE_TITLE, "demo_mode": settings.DEMO_MODE}
