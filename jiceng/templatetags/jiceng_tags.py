"""Template helpers shared by every page: navigation, masking, names."""

import re

from django import template
from django.http import HttpRequest

from accounts.models import User
from jiceng import masking
from jiceng.navigation import NavLink, links_for

register = template.Library()

_CJK = re.compile(r"[\u3400-\u9fff]")


@register.simple_tag(takes_context=True)
def navigation(context: template.Context) -> list[NavLink]:
    """The header links for the signed-in user (``jiceng.navigation``)."""
    request: HttpRequest | None = context.get("request")
    if request is None or not isinstance(request.user, User):
        return []
    return links_for(request.user, request.path)


@register.filter
def mask_citizen_id(value: str) -> str:
    return masking.mask_citizen_id(value or "")


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value or "")


@register.filter
def display_name(user: User) -> str:
    """Chinese names read family name first, with no space: 王 + 秀英 → 王秀英."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
