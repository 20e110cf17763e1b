"""The national childhood schedule as versioned data (PH-4; immunization-schedule.md §1–§5).

Each rule carries the citation of its spec row and the spec's confidence (V, C, U). Dose numbers
follow §1: polio is one series numbered 1–4 whatever the product (``bOPV-3``), DT is numbered on
its own (``DT-1`` at 6 y). Catch-up parameters (§3–§4) are data too; the rules that read them are
in ``immunization.catch_up``.
"""

from dataclasses import replace
from datetime import date

from immunization.ages import Age, days, months, years
from immunization.schedule_types import (
    CatchUp,
    Confidence,
    DoseRule,
    Interval,
    Schedule,
    Series,
    Vaccine,
)

V, C, U = Confidence.VERIFIED, Confidence.SECONDARY, Confidence.UNVERIFIED


def _dose(
    vaccine: str,
    number: int,
    age: Age,
    complete_before: Age | None = None,
    *intervals: Interval,
    position: int | None = None,
    citation: str | None = None,
    confidence: Confidence = V,
) -> DoseRule:
    """A §1 row; the listed age is also the minimum age (spec, age convention, C)."""
    return DoseRule(
        vaccine,
        number,
        position or number,
        age,
        age,
        complete_before,
        intervals,
        citation or f"NIP21 §1 {vaccine}",
        confidence,
    )


def _vaccine(
    code: str, name: str, route: str, confidence: Confidence, *, live: bool = False
) -> Vaccine:
    return Vaccine(code, name, route, live, "NIP21 §1", confidence)


VACCINES = (
    _vaccine("HepB", "乙肝疫苗", "IM, 10 or 20 μg", C),
    _vaccine("BCG", "卡介苗", "ID 0.1 ml", C),
    _vaccine("IPV", "脊灰灭活疫苗", "IM 0.5 ml", V),
    _vaccine("bOPV", "二价脊灰减毒活疫苗", "oral: 1 pill or 2 drops", V),
    _vaccine("DTaP", "百白破疫苗", "IM 0.5 ml", V),
    _vaccine("DT", "白破疫苗", "IM 0.5 ml", V),
    _vaccine("MMR", "麻腮风疫苗", "SC 0.5 ml", V, live=True),
    _vaccine("JE-L", "乙脑减毒活疫苗", "SC 0.5 ml", C, live=True),
    _vaccine("JE-I", "乙脑灭活疫苗", "IM 0.5 ml", C),
    _vaccine("MPSV-A", "A群流脑多糖疫苗", "SC", C),
    _vaccine("MPSV-AC", "A群C群流脑多糖疫苗", "SC", C),
    _vaccine("HepA-L", "甲肝减毒活疫苗", "SC", C, live=True),
    _vaccine("HepA-I", "甲肝灭活疫苗", "IM", C),
)

_POLIO_GAP = Interval(days(28), "NIP21 §2 polio, any two doses")
_DTAP_GAP = Interval(days(28), "NIP21 §2 DTaP d1→d2→d3")
_DTAP_BOOSTER_GAP = Interval(months(6), "NIP21 §2 DTaP d3→d4")
_AFTER_FOUR_DTAP = Interval(months(12), "NIP21 §4 DTaP/DT ≥ 6 y, 4 DTaP → DT")

_HEPB = Series(
    "HepB",
    ("HepB",),
    (
        _dose("HepB", 1, months(0), days(1)),
        _dose("HepB", 2, months(1), None, Interval(days(28), "NIP21 §2 HepB d1→d2")),
        _dose(
            "HepB",
            3,
            months(6),
            months(12),
            Interval(days(60), "NIP21 §2 HepB d2→d3"),
            Interval(months(4), "NIP21 §2 HepB d1→d3", U, back=2, switch="hepb_d1_to_d3_4_months"),
        ),
    ),
    "NIP21 §1 HepB",
)

_BCG = Series("BCG", ("BCG",), (_dose("BCG", 1, months(0), months(3)),), "NIP21 §1 BCG")

_POLIO = Series(
    "Polio",
    ("IPV", "bOPV"),
    (
        _dose("IPV", 1, months(2)),
        _dose("IPV", 2, months(3), None, _POLIO_GAP),
        _dose("bOPV", 3, months(4), months(12), _POLIO_GAP),
        _dose("bOPV", 4, years(4), years(5), _POLIO_GAP),
    ),
    "NIP21 §1 polio; §4 Polio",
    names_by_position=True,
)

_DTAP_2021 = Series(
    "DTaP-DT",
    ("DTaP", "DT"),
    (
        _dose("DTaP", 1, months(3)),
        _dose("DTaP", 2, months(4), None, _DTAP_GAP),
        _dose("DTaP", 3, months(5), months(12), _DTAP_GAP),
        _dose("DTaP", 4, months(18), months(24), _DTAP_BOOSTER_GAP),
        _dose("DT", 1, years(6), years(7), _AFTER_FOUR_DTAP, position=5),
    ),
    "NIP21 §1 DTaP, DT",
)

_NIP25 = "NIP25 DTaP notice (spec §5)"
_DTAP_2025 = Series(
    "DTaP-DT",
    ("DTaP", "DT"),
    (
        _dose("DTaP", 1, months(2), citation=_NIP25, confidence=C),
        _dose("DTaP", 2, months(4), None, _DTAP_GAP, citation=_NIP25, confidence=C),
        _dose("DTaP", 3, months(6), months(12), _DTAP_GAP, citation=_NIP25, confidence=C),
        _dose("DTaP", 4, months(18), months(24), _DTAP_BOOSTER_GAP, citation=_NIP25, confidence=C),
        _dose("DTaP", 5, years(6), years(7), _AFTER_FOUR_DTAP, citation=_NIP25, confidence=C),
    ),
    _NIP25,
)

_MMR = Series(
    "MMR",
    ("MMR",),
    (
        _dose("MMR", 1, months(8), months(12)),
        _dose("MMR", 2, months(18), months(24), Interval(days(28), "NIP21 §2 MMR d1→d2")),
    ),
    "NIP21 §1 MMR; §4 MMR",
)

_JE_L = Series(
    "JE-L",
    ("JE-L",),
    (
        _dose("JE-L", 1, months(8), months(12)),
        _dose("JE-L", 2, years(2), years(3), Interval(months(12), "NIP21 §2 JE-L d1→d2", C)),
    ),
    "NIP21 §1 JE-L; §4 JE",
    alternative_group="JE",
)

_JE_I = Series(
    "JE-I",
    ("JE-I",),
    (
        _dose("JE-I", 1, months(8)),
        _dose(
            "JE-I",
            2,
            months(8),
            months(12),
            Interval(days(7), "NIP21 §2 JE-I d1→d2", C, maximum=days(10)),
        ),
        _dose(
            "JE-I",
            3,
            years(2),
            years(3),
            Interval(months(1), "NIP21 §2 JE-I d2→d3", C, maximum=months(12)),
        ),
        _dose("JE-I", 4, years(6), years(7), Interval(years(3), "NIP21 §2 JE-I d3→d4", C)),
    ),
    "NIP21 §1 JE-I; §4 JE",
    alternative_group="JE",
)

_MPSV_A = Series(
    "MPSV-A",
    ("MPSV-A",),
    (
        _dose("MPSV-A", 1, months(6)),
        _dose("MPSV-A", 2, months(9), months(18), Interval(months(3), "NIP21 §2 MPSV-A d1→d2", C)),
    ),
    "NIP21 §1 MPSV-A; §4 Meningococcal",
)

_MPSV_AC = Series(
    "MPSV-AC",
    ("MPSV-AC",),
    (
        _dose(
            "MPSV-AC",
            1,
            years(3),
            years(4),
            Interval(months(12), "NIP21 §2 last MPSV-A → MPSV-AC d1", C, after_vaccine="MPSV-A"),
        ),
        _dose("MPSV-AC", 2, years(6), years(7), Interval(years(3), "NIP21 §2 MPSV-AC d1→d2", C)),
    ),
    "NIP21 §1 MPSV-AC; §4 Meningococcal",
)

_HEPA_L = Series(
    "HepA-L",
    ("HepA-L",),
    (_dose("HepA-L", 1, months(18), months(24)),),
    "NIP21 §1 HepA-L; §4 HepA",
    alternative_group="HepA",
)

_HEPA_I = Series(
    "HepA-I",
    ("HepA-I",),
    (
        _dose("HepA-I", 1, months(18), months(24)),
        _dose("HepA-I", 2, years(2), years(3), Interval(months(6), "NIP21 §2 HepA-I d1→d2", C)),
    ),
    "NIP21 §1 HepA-I; §4 HepA",
    alternative_group="HepA",
)

_DT_CATCH_UP = "NIP21 §4 DTaP/DT ≥ 6 y, < 3 doses"
_HEPB_FOUR = "NIP21 §4 HepB, HBsAg+ mother, < 2000 g"
# The spec gives no intervals for the 4-dose scheme; 28 days, the shortest HepB interval of §2,
# is a design choice and can be switched off.
_HEPB_FOUR_GAP = Interval(
    days(28), f"{_HEPB_FOUR} (interval by design)", U, switch="hepb_four_doses_28_days"
)

CATCH_UP_2021 = CatchUp(
    age_limit=years(18),
    live_spacing=Interval(days(28), "NIP21 §2 two injectable live vaccines"),
    polio_cohort_born_on=date(2019, 10, 1),
    polio_ipv_doses_from_cohort=2,
    polio_ipv_doses_before_cohort=1,
    mmr_cohort_born_on=date(2019, 10, 1),
    bcg_direct_before=months(3),
    bcg_ppd_before=years(4),
    meningococcal_a_before=months(24),
    dt_from_age=years(6),
    adult_dt_from_age=years(12),
    dt_primary=(
        _dose("DT", 1, years(6), years(7), citation=_DT_CATCH_UP),
        _dose(
            "DT",
            2,
            years(6),
            years(7),
            Interval(months(1), _DT_CATCH_UP, maximum=months(2)),
            citation=_DT_CATCH_UP,
        ),
        _dose(
            "DT",
            3,
            years(6),
            years(7),
            Interval(months(6), _DT_CATCH_UP, maximum=months(12)),
            citation=_DT_CATCH_UP,
        ),
    ),
    booster_after_three=Interval(months(6), "NIP21 §4 DTaP/DT ≥ 6 y, 3 DTaP → DT"),
    booster_after_four=_AFTER_FOUR_DTAP,
    hepb_four_doses_below_g=2000,
    hepb_four_doses=(
        _dose("HepB", 1, months(0), days(1), citation=_HEPB_FOUR, confidence=C),
        _dose(
            "HepB",
            2,
            months(1),
            None,
            Interval(days(28), "NIP21 §2 HepB d1→d2"),
            citation=_HEPB_FOUR,
            confidence=C,
        ),
        _dose("HepB", 3, months(2), None, _HEPB_FOUR_GAP, citation=_HEPB_FOUR, confidence=C),
        _dose("HepB", 4, months(7), None, _HEPB_FOUR_GAP, citation=_HEPB_FOUR, confidence=C),
    ),
    # "Low birth weight" is not defined in the spec: < 2500 g is the WHO definition.
    low_birth_weight_below_g=2500,
)

NIP_2021 = Schedule(
    version="NIP-2021",
    title="国家免疫规划疫苗儿童免疫程序及说明（2021年版）",
    effective_from=None,
    vaccines=VACCINES,
    series=(
        _HEPB,
        _BCG,
        _POLIO,
        _DTAP_2021,
        _MMR,
        _JE_L,
        _JE_I,
        _MPSV_A,
        _MPSV_AC,
        _HEPA_L,
        _HEPA_I,
    ),
    catch_up=CATCH_UP_2021,
)

NIP_2025 = replace(
    NIP_2021,
    version="NIP-2025",
    title="NIP 2021 with the DTaP/DT change of 2025-01-01 (C: the notice was not retrieved)",
    effective_from=date(2025, 1, 1),
    series=tuple(_DTAP_2025 if series is _DTAP_2021 else series for series in NIP_2021.series),
    catch_up=replace(
        CATCH_UP_2021,
        dtap_note=(
            "NIP-2025: the catch-up rules for the 5-dose DTaP schedule were not retrieved; "
            "the 2021 rules for children ≥ 6 y are applied, with DTaP as the 6-year dose "
            "before the 7th birthday (spec §5, C)"
        ),
    ),
)

SCHEDULES = {schedule.version: schedule for schedule in (NIP_2021, NIP_2025)}
