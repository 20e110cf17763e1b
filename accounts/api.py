from django.http import HttpRequest
from ninja import Router, Schema

from accounts.models import User
from jiceng.schemas import ERRORS

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    division_id: int | None
    institution_id: int | None


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user, role and scope")
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.username,
        role=user.role,
        role_label=str(user.get_role_display()),
        division_id=user.division_id,
        institution_id=user.institution_id,
    )
