"""``POST /api/v1/decisions/<name>``: one typed operation per registered decision."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from jiceng.decisions import Decision, registry, run_decision
from jiceng.schemas import ERRORS

router = Router(tags=["decisions"])


def _add_operation(decision: Decision) -> None:
    def operation(request: HttpRequest, payload: Schema) -> dict[str, Any]:
        return run_decision(
            decision.name, payload.model_dump(mode="json"), today=timezone.localdate()
        )

    # Ninja reads the body's schema from the annotation: give it this decision's input.
    operation.__annotations__["payload"] = decision.input_schema

    output: type[Schema] = decision.output_schema
    router.add_api_operation(
        f"/{decision.name}",
        ["POST"],
        operation,
        response={200: output, **ERRORS},
        summary=decision.summary,
        description=f"Rule {decision.citation}. The same code runs as `jiceng decide {decision.name}`.",
        operation_id=f"decide_{decision.name.replace('-', '_')}",
    )


for _decision in registry().values():
    _add_operation(_decision)
