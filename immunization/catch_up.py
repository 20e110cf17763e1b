"""Which dose of a series comes next: the routine order and the catch-up rules (PH-4; spec §3–§4).

A planner gets the valid doses so far and the day the next dose would be given (``on``: the
dose's date when counting given doses, ``as_of`` when projecting) and returns the rule for the
next dose, or ``None`` when the series needs no more. Age-dependent rules read the age on ``on``.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from immunization.ages import has_reached
from immunization.schedule_types import DoseRule, Schedule
from immunization.series import Child, Placed, Planner, SeriesContext


def _next_routine(context: SeriesContext, history: Sequence[Placed]) -> DoseRule | None:
    doses = context.series.doses
    return doses[len(history)] if len(history) < len(doses) else None


def plan_routine(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """The §1 doses in order; catch-up gives only the missing ones with the §2 intervals (§4)."""
    return _next_routine(context, history)


def has_four_hepb_doses(schedule: Schedule, child: Child) -> bool:
    """HBsAg-positive or unknown mother and birth weight < 2000 g: 0, 1, 2, 7 m (§4 HepB)."""
    return (
        child.mother_hbsag != "negative"
        and child.birth_weight_g is not None
        and child.birth_weight_g < schedule.catch_up.hepb_four_doses_below_g
    )


def plan_hepb(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """Three doses, or four for a small baby of an HBsAg-positive or unknown mother (§4 HepB)."""
    if not has_four_hepb_doses(context.schedule, context.child):
        return _next_routine(context, history)
    doses = context.schedule.catch_up.hepb_four_doses
    return doses[len(history)] if len(history) < len(doses) else None


def plan_bcg(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """< 3 m directly; 3 m to the 4th birthday only after a negative PPD; ≥ 4 y none (§4 BCG)."""
    rule = _next_routine(context, history)
    if rule is None or not projecting:
        return rule
    catch_up, birth_date = context.schedule.catch_up, context.child.birth_date
    if has_reached(birth_date, catch_up.bcg_ppd_before, on):
        context.notes.append(f"BCG: no catch-up from age {catch_up.bcg_ppd_before} (NIP21 §4 BCG)")
        return None
    if has_reached(birth_date, catch_up.bcg_direct_before, on):
        context.notes.append(
            f"BCG: from age {catch_up.bcg_direct_before} until age {catch_up.bcg_ppd_before}, "
            "give it only if the TB-PPD or BCG-PPD test is negative (NIP21 §4 BCG)"
        )
        # A conditional catch-up: due once the test is negative, not overdue.
        return replace(rule, complete_before=None)
    return rule


def plan_polio(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """IPV first, as many as the birth cohort needs, then bOPV; 4 doses complete (§4 Polio).

    The 4th dose's minimum age of 4 y makes < 4 y need 3 doses and ≥ 4 y need 4.
    """
    rule = _next_routine(context, history)
    if rule is None:
        return None
    catch_up = context.schedule.catch_up
    born_in_cohort = context.child.birth_date >= catch_up.polio_cohort_born_on
    ipv_needed = (
        catch_up.polio_ipv_doses_from_cohort
        if born_in_cohort
        else catch_up.polio_ipv_doses_before_cohort
    )
    ipv_given = sum(placed.vaccine == "IPV" for placed in history)
    vaccine = "IPV" if ipv_given < ipv_needed else "bOPV"
    if projecting and vaccine == "IPV" and _is_behind(context, len(history), on):
        cohort = "on or after" if born_in_cohort else "before"
        context.notes.append(
            f"Polio catch-up: born {cohort} {catch_up.polio_cohort_born_on}, {ipv_needed} IPV "
            "then bOPV, 28 days apart; with any tOPV history give bOPV only (NIP21 §4 Polio, C)"
        )
    return replace(rule, vaccine=vaccine)


def _is_behind(context: SeriesContext, doses_given: int, on: date) -> bool:
    """Whether the routine age of the dose after the next one has passed: a catch-up."""
    doses = context.series.doses
    return doses_given + 1 < len(doses) and (
        doses[doses_given + 1].recommended_age.after(context.child.birth_date) < on
    )


def plan_dtap_dt(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """Under 6 y the DTaP doses; from 6 y DT by the dose count (§4 DTaP/DT)."""
    catch_up, birth_date = context.schedule.catch_up, context.child.birth_date
    if not has_reached(birth_date, catch_up.dt_from_age, on):
        return _next_routine(context, history)
    if projecting and catch_up.dtap_note is not None:
        context.notes.append(catch_up.dtap_note)
    if projecting and has_reached(birth_date, catch_up.adult_dt_from_age, on):
        context.notes.append(
            f"DT from age {catch_up.adult_dt_from_age}: use the adult/adolescent DT product "
            "(NIP21 §4 DTaP/DT, C)"
        )
    position = len(history) + 1
    if position <= len(catch_up.dt_primary):
        # DTaP + DT < 3: bring the total to 3 with DT.
        return replace(catch_up.dt_primary[position - 1], position=position)
    doses = context.series.doses
    if any(placed.vaccine == "DT" for placed in history) or position > len(doses):
        return None
    booster = doses[-1]
    interval = catch_up.booster_after_three if position == 4 else catch_up.booster_after_four
    vaccine = booster.vaccine
    if booster.complete_before is not None and has_reached(birth_date, booster.complete_before, on):
        vaccine = "DT"
    return replace(booster, vaccine=vaccine, position=position, intervals=(interval,))


def plan_mmr(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """Two MMR doses for every cohort; earlier cohorts may count MR/MV doses (§4 MMR)."""
    rule = _next_routine(context, history)
    cohort = context.schedule.catch_up.mmr_cohort_born_on
    if projecting and rule is not None and context.child.birth_date < cohort:
        context.notes.append(
            f"MMR: born before {cohort}, earlier measles-containing doses (MR, MV) also count "
            "towards the 2 doses; only MMR doses are recorded here (NIP21 §4 MMR)"
        )
    return rule


def plan_mpsv_a(
    context: SeriesContext, history: Sequence[Placed], on: date, projecting: bool
) -> DoseRule | None:
    """MPSV-A only under 24 m; from 24 m MPSV-AC and no MPSV-A (§4 Meningococcal)."""
    rule = _next_routine(context, history)
    limit = context.schedule.catch_up.meningococcal_a_before
    if rule is None or not projecting or not has_reached(context.child.birth_date, limit, on):
        return rule
    context.notes.append(
        f"Meningococcal: from {limit.months} m no MPSV-A, complete MPSV-AC instead "
        "(NIP21 §4 Meningococcal, C)"
    )
    return None


PLANNERS: dict[str, Planner] = {
    "HepB": plan_hepb,
    "BCG": plan_bcg,
    "Polio": plan_polio,
    "DTaP-DT": plan_dtap_dt,
    "MMR": plan_mmr,
    "MPSV-A": plan_mpsv_a,
}


def planner_for(series_code: str) -> Planner:
    return PLANNERS.get(series_code, plan_routine)
