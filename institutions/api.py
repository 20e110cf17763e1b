"""Institutions are a public registry: any signed-in user may browse them (ORG-1)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from institutions.models import Institution
from jiceng.schemas import ERRORS

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: int
    code: str
    name: str
    type: str
    is_central: bool
    ownership: str
    is_legal_entity: bool
    parent_id: int | None
    division_id: int
    served_division_ids: list[int]

    @staticmethod
    def resolve_served_division_ids(obj: Institution) -> list[int]:
        return [division.pk for division in obj.served_divisions.all()]


class InstitutionFilter(FilterSchema):
    type: str | None = None
    parent_id: int | None = None
    division_id: int | None = None


@router.get(
    "/",
    response={200: list[InstitutionOut], **ERRORS},
    summary="Institutions, filtered by type or parent",
)
@paginate
def list_institutions(request: HttpRequest, filters: Query[InstitutionFilter]) -> object:
    return filters.filter(Institution.objects.prefetch_related("served_divisions"))


@router.get(
    "/{institution_id}", response={200: InstitutionOut, **ERRORS}, summary="One institution"
)
def get_institution(request: HttpRequest, institution_id: int) -> Institution:
    return get_object_or_404(
        Institution.objects.prefetch_related("served_divisions"), pk=institution_id
    )
