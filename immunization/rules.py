"""Forecasting a child's vaccinations on a given day (PH-4, JC-32; immunization-schedule.md §1–§4).

Pure: the schedule, the dates and the doses received come in, a ``Forecast`` goes out. The
forecast names its schedule version, since 2021 and 2025 give different DTaP answers (§5).
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from immunization.ages import has_reached
from immunization.catch_up import has_four_hepb_doses, planner_for
from immunization.forecasts import (
    DoseForecast,
    DoseStatus,
    Forecast,
    InvalidDose,
    MotherHbsag,
    ReceivedDose,
)
from immunization.schedule_types import Schedule
from immunization.series import Child, SeriesContext, run_series

__all__ = [
    "DoseForecast",
    "DoseStatus",
    "Forecast",
    "InvalidDose",
    "ReceivedDose",
    "forecast",
    "product_choices",
]


def product_choices(schedule: Schedule, group: str) -> tuple[str, ...]:
    """The products to choose between for ``group`` ("JE", "HepA"), as in §1."""
    return tuple(series.code for series in schedule.series if series.alternative_group == group)


def _check_input(
    schedule: Schedule,
    birth_date: date,
    as_of: date,
    doses_received: Sequence[ReceivedDose],
    products: Iterable[tuple[str, str]],
) -> None:
    if as_of < birth_date:
        raise ValueError(f"as_of {as_of} is before the birth date {birth_date}")
    for index, dose in enumerate(doses_received):
        if dose.vaccine not in schedule.codes:
            raise ValueError(f"dose {index}: unknown vaccine code {dose.vaccine!r}")
        if not birth_date <= dose.given_on <= as_of:
            raise ValueError(f"dose {index}: {dose.given_on} is not between birth and as_of")
    for group, product in products:
        if product not in product_choices(schedule, group):
            raise ValueError(
                f"{group} product {product!r} is not one of {product_choices(schedule, group)}"
            )


def _live_spacing_violations(
    schedule: Schedule, received: Sequence[ReceivedDose]
) -> Iterator[tuple[int, InvalidDose]]:
    """Two different injectable live vaccines < 28 days apart: the later one does not count (§2)."""
    spacing, live = schedule.catch_up.live_spacing, schedule.live_injectable
    for index, dose in enumerate(received):
        if dose.vaccine not in live:
            continue
        for earlier in received[:index]:
            if (
                earlier.vaccine != dose.vaccine
                and earlier.vaccine in live
                and earlier.given_on < dose.given_on < spacing.minimum.after(earlier.given_on)
            ):
                reason = (
                    f"given less than {spacing.minimum} after {earlier.vaccine} on "
                    f"{earlier.given_on} and not on the same day ({spacing.citation}); "
                    f"valid from {spacing.minimum.after(earlier.given_on)}: repeat the dose"
                )
                yield index, InvalidDose(dose.vaccine, dose.given_on, reason)
                break


def _child_notes(schedule: Schedule, child: Child) -> Iterator[str]:
    catch_up = schedule.catch_up
    if child.mother_hbsag == "positive":
        yield "Mother HBsAg-positive: HepB-1 within 12 hours of birth, and HBIG (NIP21 §4 HepB)"
        yield (
            "Mother HBsAg-positive: test HBsAg and anti-HBs 1–2 months after the last HepB dose; "
            "if HBsAg is negative and anti-HBs < 10 mIU/ml, repeat 3 doses at 0, 1 and 6 months "
            "(NIP21 §4 HepB, C)"
        )
    elif child.mother_hbsag == "unknown":
        yield "Mother's HBsAg unknown: HepB-1 within 12 hours of birth (NIP21 §4 HepB)"
    if has_four_hepb_doses(schedule, child):
        yield (
            f"Birth weight < {catch_up.hepb_four_doses_below_g} g and mother HBsAg-positive or "
            "unknown: HepB-1 at once, then at 1, 2 and 7 months, 4 doses in all (NIP21 §4 HepB, C)"
        )
    if (
        child.birth_weight_g is not None
        and child.birth_weight_g < catch_up.low_birth_weight_below_g
    ):
        yield (
            f"Birth weight < {catch_up.low_birth_weight_below_g} g: if medically stable, "
            "vaccinate by actual, not corrected, age (NIP21 §3, C)"
        )
    if has_reached(child.birth_date, catch_up.age_limit, child.as_of):
        yield (
            f"Aged {catch_up.age_limit} or more: catch-up is only for children under "
            f"{catch_up.age_limit}, so no dose is forecast (NIP21 §3)"
        )


def _product_notes(
    schedule: Schedule, child: Child, received: Sequence[ReceivedDose]
) -> Iterator[str]:
    for series in schedule.series:
        if series.alternative_group is None or series.code in child.products:
            continue
        if any(dose.vaccine in series.vaccines for dose in received):
            chosen = next(
                p
                for p in product_choices(schedule, series.alternative_group)
                if p in child.products
            )
            yield (
                f"{series.code} doses are recorded but {chosen} is the chosen product: "
                f"{series.code} is not forecast and the schedule has no rule for mixing them "
                "(NIP21 §1)"
            )


def _due_notes(
    schedule: Schedule, child: Child, doses: Sequence[DoseForecast], invalid: Sequence[InvalidDose]
) -> Iterator[str]:
    due = [dose for dose in doses if dose.status in (DoseStatus.DUE, DoseStatus.OVERDUE)]
    if len(due) > 1:
        yield (
            "All the due NIP vaccines may be given on the same day at different sites, "
            "never mixed in one syringe (NIP21 §3)"
        )
        if any(dose.vaccine == "MMR" for dose in due):
            yield "If not all the due vaccines can be given, give MMR first (NIP21 §4 MMR)"
    mmr_age = (
        next(series for series in schedule.series if series.code == "MMR").doses[0].minimum_age
    )
    if any(
        dose.vaccine == "MMR" and dose.given_on < mmr_age.after(child.birth_date)
        for dose in invalid
    ):
        yield (
            f"An MMR dose before {mmr_age} (such as an outbreak dose at 6–7 m) does not count "
            "as a routine dose (NIP21 §4 MMR)"
        )


def forecast(
    schedule: Schedule,
    birth_date: date,
    as_of: date,
    doses_received: Sequence[ReceivedDose],
    je_product: str = "JE-L",
    hepa_product: str = "HepA-L",
    mother_hbsag: MotherHbsag = "negative",
    birth_weight_g: int | None = None,
) -> Forecast:
    """Every dose's status and dates on ``as_of``, the doses that do not count, and notes (PH-4).

    Raises ``ValueError`` for an unknown vaccine code or product, a dose outside birth..as_of, or
    ``as_of`` before birth.
    """
    _check_input(
        schedule, birth_date, as_of, doses_received, (("JE", je_product), ("HepA", hepa_product))
    )
    child = Child(
        birth_date, as_of, mother_hbsag, birth_weight_g, frozenset((je_product, hepa_product))
    )
    order = {code: index for index, code in enumerate(schedule.codes)}
    received = tuple(sorted(doses_received, key=lambda dose: (dose.given_on, order[dose.vaccine])))
    violations = dict(_live_spacing_violations(schedule, received))
    counted = [dose for index, dose in enumerate(received) if index not in violations]
    is_child = not has_reached(birth_date, schedule.catch_up.age_limit, as_of)

    notes = list(_child_notes(schedule, child))
    doses: list[DoseForecast] = []
    invalid = list(violations.values())
    for series in schedule.series:
        context = SeriesContext(schedule, series, child, received, notes)
        is_chosen = series.alternative_group is None or series.code in child.products
        entries, series_invalid = run_series(
            context,
            planner_for(series.code),
            [dose for dose in counted if dose.vaccine in series.vaccines],
            is_forecast=is_child and is_chosen,
        )
        doses.extend(entries)
        invalid.extend(series_invalid)
    notes.extend(_product_notes(schedule, child, received))
    invalid.sort(key=lambda dose: (dose.given_on, order[dose.vaccine]))
    notes.extend(_due_notes(schedule, child, doses, invalid))
    return Forecast(
        schedule.version,
        birth_date,
        as_of,
        tuple(doses),
        tuple(invalid),
        tuple(dict.fromkeys(notes)),
    )
