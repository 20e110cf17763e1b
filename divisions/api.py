"""Divisions are public statistics: any signed-in user may browse them (ORG-2)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from divisions.models import Division
from jiceng.schemas import ERRORS

router = Router(tags=["divisions"])


class DivisionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None
    population: int


class DivisionFilter(FilterSchema):
    level: str | None = None
    parent_id: int | None = None


@router.get(
    "/",
    response={200: list[DivisionOut], **ERRORS},
    summary="Divisions, filtered by level or parent",
)
@paginate
def list_divisions(request: HttpRequest, filters: Query[DivisionFilter]) -> object:
    return filters.filter(Division.objects.all())


@router.get("/{division_id}", response={200: DivisionOut, **ERRORS}, summary="One division")
def get_division(request: HttpRequest, division_id: int) -> Division:
    return get_object_or_404(Division, pk=division_id)
