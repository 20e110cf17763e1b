"""Run a county's pack: every rule in force, in catalogue order, each with its citation."""

from datetime import date

from django.utils import timezone

from divisions.models import Division
from supervision.catalogue import RULES
from supervision.checks.common import Context
from supervision.packs import Pack, PackError, RuleConfig, county_pack, load_pack, the_county
from supervision.results import PASS, Outcome, Result, TargetProgress


def validate_pack(pack: Pack) -> None:
    unknown = sorted(set(pack.rules) - set(RULES))
    if unknown:
        raise PackError(f"policy pack {pack.code!r} names rules not implemented: {unknown}")


def _progress(outcome: Outcome, rule: RuleConfig, today: date) -> TargetProgress:
    """Met, or missed after the deadline, or on track if today's value is at least where a
    straight line from start (value 0) to the target at the deadline stands now."""
    if "deadline" in rule.params:
        deadline = rule.date_param("deadline")
        start = rule.date_param("start") if "start" in rule.params else date(deadline.year, 1, 1)
    else:  # a yearly quota
        deadline, start = date(today.year, 12, 31), date(today.year, 1, 1)
    target = float(rule.params.get("share", rule.params.get("count", 0)))
    if outcome.status == PASS:
        return TargetProgress(deadline, True, None)
    if today > deadline or outcome.value is None:
        return TargetProgress(deadline, False, None)
    elapsed = (today - start).days / max((deadline - start).days, 1)
    expected = round(target * min(max(elapsed, 0.0), 1.0), 4)
    return TargetProgress(deadline, float(outcome.value) >= expected, expected)


def run_rule(rule_id: str, pack: Pack, context: Context) -> Result:
    info = RULES[rule_id]
    config = pack.rules[rule_id]
    outcome = info.function(context, config)
    progress = _progress(outcome, config, context.today) if info.kind == "target" else None
    return Result(
        id=rule_id,
        kind=info.kind,
        category=info.category,
        title=str(info.title),
        status=outcome.status,
        value=outcome.value,
        threshold=outcome.threshold,
        citation=list(config.citation),
        failing=outcome.failing,
        note=outcome.note,
        checked=outcome.checked,
        pack=config.defined_in,
        display=outcome.display or ("" if outcome.value is None else str(outcome.value)),
        progress=progress,
    )


def run_pack(
    county: Division | None = None,
    *,
    pack: Pack | None = None,
    pack_code: str | None = None,
    today: date | None = None,
    only: str | None = None,
) -> tuple[Pack, list[Result]]:
    """Every rule of the county's pack (or the one named), in catalogue order; with ``only``,
    just that rule (none if the pack does not have it)."""
    county = county or the_county()
    if county is None:
        raise PackError("there is no county in the database; generate or import one first")
    if pack is None:
        pack = load_pack(pack_code) if pack_code else county_pack(county)
    validate_pack(pack)
    context = Context(county=county, today=today or timezone.localdate())
    results = [
        run_rule(rule_id, pack, context)
        for rule_id in RULES
        if rule_id in pack.rules and only in (None, rule_id)
    ]
    return pack, results
