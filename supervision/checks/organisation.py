"""Institution-network checks: ORG-4 … ORG-12 (JC-6, JC-7, JC-21, SXM-2, SXM-11, SXM-12,
SXM-17, SXM-18, WD-2, WD-14)."""

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from divisions.models import Division
from institutions.models import (
    Capabilities,
    Designation,
    FeverClinic,
    HospitalLevel,
    Institution,
    VillageServiceException,
)
from supervision.checks.common import (
    CENTRE_TYPES,
    VILLAGE_LEVEL_TYPES,
    Context,
    Type,
    county_failing,
    distance_km,
    division_failing,
    institution_failing,
    percent,
    share,
)
from supervision.packs import RuleConfig
from supervision.results import FAIL, NOT_ENOUGH_DATA, PASS, Failing, Outcome


def _located_in(institutions: list[Institution], division: Division) -> list[Institution]:
    low, high = division.code_range
    return [i for i in institutions if low <= i.division.code <= high]


def org_4(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every street has exactly one community health service centre (JC-6(1))."""
    streets = list(ctx.divisions().filter(kind=Division.Kind.STREET).order_by("code"))
    if not streets:
        return Outcome(NOT_ENOUGH_DATA, None, _("one CHSC per street"), note=_("No streets."))
    centres = list(ctx.institutions().filter(type=Type.CHSC).select_related("division"))
    failing: list[Failing] = []
    for street in streets:
        found = _located_in(centres, street)
        if len(found) != 1:
            reason = (
                _("no community health service centre")
                if not found
                else _("%(count)d community health service centres: %(names)s")
                % {"count": len(found), "names": "、".join(i.name for i in found)}
            )
            failing.append(division_failing(street, reason))
    good = len(streets) - len(failing)
    return Outcome(
        FAIL if failing else PASS,
        f"{good}/{len(streets)}",
        _("one CHSC per street"),
        failing,
        note=_("Streets above %(people)s people may add community health service stations.")
        % {"people": rule.param("station_population")},
        checked=len(streets),
    )


def org_5(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every township has one township health centre; branches allowed (JC-6(2))."""
    townships = list(
        ctx.divisions()
        .filter(kind__in=(Division.Kind.TOWN, Division.Kind.TOWNSHIP))
        .order_by("code")
    )
    if not townships:
        return Outcome(NOT_ENOUGH_DATA, None, _("one THC per township"), note=_("No townships."))
    centres = list(ctx.institutions().filter(type=Type.THC).select_related("division"))
    failing = []
    for township in townships:
        found = _located_in(centres, township)
        if len(found) != 1:
            reason = (
                _("no township health centre")
                if not found
                else _(
                    "%(count)d township health centres; merged townships keep one, others "
                    "become branches"
                )
                % {"count": len(found)}
            )
            failing.append(division_failing(township, reason))
    return Outcome(
        FAIL if failing else PASS,
        f"{len(townships) - len(failing)}/{len(townships)}",
        _("one THC per township"),
        failing,
        checked=len(townships),
    )


def _exception_problem(
    exception: VillageServiceException,
    village: Division,
    *,
    small_population: int,
    thc_villages: set[int],
    serving: dict[int, set[int]],
    central_clinics: set[int],
) -> str | None:
    """Why a recorded exception does not hold, or None when it does (JC-6(3))."""
    kind = VillageServiceException.Kind
    if exception.kind == kind.THC_SEAT:
        if village.pk not in thc_villages:
            return _("recorded as the THC's village, but no township health centre is there")
        return None
    served_by = exception.served_by_id
    if exception.kind == kind.SHARED_CENTRAL_CLINIC:
        if served_by is None or served_by not in central_clinics:
            return _("recorded as sharing a central clinic, but no central village clinic is named")
        if village.pk not in serving.get(served_by, set()):
            return _("the central clinic named does not list this village as served")
        return None
    if village.population >= small_population and village.pk not in thc_villages:
        return _(
            "recorded as served by %(how)s, but %(people)d people live there (the exception is "
            "for villages under %(limit)d people or next to a THC)"
        ) % {
            "how": exception.get_kind_display(),
            "people": village.population,
            "limit": small_population,
        }
    if exception.kind == kind.NEIGHBOUR and (
        served_by is None or village.pk not in serving.get(served_by, set())
    ):
        return _("no neighbouring clinic lists this village as served")
    return None


def org_6(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every administrative village has a clinic, or a recorded exception that holds (JC-6(3))."""
    small_population = int(rule.param("small_population"))
    villages = list(ctx.divisions().filter(kind=Division.Kind.VILLAGE).order_by("code"))
    if not villages:
        return Outcome(NOT_ENOUGH_DATA, None, _("a clinic per village"), note=_("No villages."))
    institutions = ctx.institutions()
    with_clinic = set(
        institutions.filter(type__in=VILLAGE_LEVEL_TYPES).values_list("division_id", flat=True)
    )
    thc_villages = set(
        institutions.filter(type__in=(Type.THC, Type.THC_BRANCH)).values_list(
            "division_id", flat=True
        )
    )
    central_clinics = set(
        institutions.filter(type=Type.VILLAGE_CLINIC, is_central=True).values_list("pk", flat=True)
    )
    serving: dict[int, set[int]] = defaultdict(set)
    for institution_id, division_id in Institution.served_divisions.through.objects.filter(
        institution__in=institutions
    ).values_list("institution_id", "division_id"):
        serving[institution_id].add(division_id)
    exceptions = {
        e.village_id: e
        for e in VillageServiceException.objects.filter(village__in=[v.pk for v in villages])
    }
    failing = []
    excepted = 0
    for village in villages:
        if village.pk in with_clinic:
            continue
        exception = exceptions.get(village.pk)
        if exception is None:
            failing.append(
                division_failing(village, _("no village clinic and no exception on record"))
            )
            continue
        problem = _exception_problem(
            exception,
            village,
            small_population=small_population,
            thc_villages=thc_villages,
            serving=serving,
            central_clinics=central_clinics,
        )
        if problem:
            failing.append(division_failing(village, problem))
        else:
            excepted += 1
    covered = len(villages) - len(failing)
    return Outcome(
        FAIL if failing else PASS,
        f"{covered}/{len(villages)}",
        _("a clinic in every administrative village, or a recorded exception"),
        failing,
        note=_("%(count)d villages are without a clinic under a recorded exception.")
        % {"count": excepted},
        checked=len(villages),
    )


def org_7(ctx: Context, rule: RuleConfig) -> Outcome:
    """1–3 central THCs designated county medical sub-centres (SXM-2, JC-7)."""
    low, high = int(rule.param("min")), int(rule.param("max"))
    thcs = ctx.institutions().filter(type=Type.THC)
    designated = list(thcs.filter(designations__kind=Designation.Kind.SUB_CENTRE).order_by("name"))
    threshold = _("%(low)d–%(high)d sub-centres") % {"low": low, "high": high}
    failing: list[Failing] = []
    if len(designated) < low:
        candidates = thcs.filter(is_central=True).exclude(pk__in=[i.pk for i in designated])
        failing = [
            institution_failing(i, _("central THC not designated a sub-centre"))
            for i in candidates.order_by("name")
        ] or [county_failing(ctx.county, _("no central THC to designate"))]
    elif len(designated) > high:
        failing = [
            institution_failing(i, _("one of %(count)d sub-centres") % {"count": len(designated)})
            for i in designated
        ]
    return Outcome(
        FAIL if failing else PASS,
        len(designated),
        threshold,
        failing,
        checked=thcs.count(),
    )


def org_8(ctx: Context, rule: RuleConfig) -> Outcome:
    """Every village within the service radius of an emergency point (SXM-11)."""
    radius = float(rule.param("radius_km"))
    threshold = _("≤ %(km)s km to an emergency point") % {"km": rule.param("radius_km")}
    note = _(
        "Straight-line distance between division and institution locations; road distance is "
        "longer, so a pass here is necessary but not sufficient."
    )
    points = [
        (i.latitude or 0, i.longitude or 0)
        for i in ctx.institutions().filter(
            capabilities__is_emergency_point=True, latitude__isnull=False, longitude__isnull=False
        )
    ]
    everywhere = list(ctx.divisions().filter(level=Division.Level.VILLAGE).order_by("code"))
    villages = [v for v in everywhere if v.latitude is not None and v.longitude is not None]
    if not points or not villages:
        return Outcome(
            NOT_ENOUGH_DATA,
            None,
            threshold,
            note=_("No emergency points or no village locations on record. ") + note,
        )
    failing = [
        division_failing(village, _("location not recorded"))
        for village in everywhere
        if village.latitude is None or village.longitude is None
    ]
    for village in villages:
        here = (village.latitude or 0, village.longitude or 0)
        nearest = min(distance_km(here, point) for point in points)
        if nearest > radius:
            failing.append(
                division_failing(
                    village, _("nearest emergency point %(km).1f km away") % {"km": nearest}
                )
            )
    return Outcome(
        FAIL if failing else PASS,
        f"{len(everywhere) - len(failing)}/{len(everywhere)}",
        threshold,
        failing,
        note=note,
        checked=len(everywhere),
    )


def org_9(ctx: Context, rule: RuleConfig) -> Outcome:
    """CHSC/THC: TCM hall and TCM physician; CHSS and village clinics: Chinese patent medicines
    (JC-21, SXI-22, SXM-12)."""
    from workforce.models import Certificate, Staff

    centres = list(
        ctx.institutions()
        .filter(type__in=CENTRE_TYPES)
        .select_related("capabilities")
        .order_by("path")
    )
    outposts = list(
        ctx.institutions()
        .filter(type__in=(Type.CHSS, *VILLAGE_LEVEL_TYPES))
        .select_related("capabilities")
        .order_by("path")
    )
    checked = centres + outposts
    known = [i for i in checked if hasattr(i, "capabilities")]
    threshold = _(
        "every centre with a TCM hall and a TCM physician; every station and clinic "
        "with Chinese patent medicines"
    )
    if not known:
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No capabilities on record."))
    with_tcm_doctor = set(
        Staff.objects.filter(
            is_active=True,
            institution__in=centres,
            profession__in=(Staff.Profession.DOCTOR, Staff.Profession.ASSISTANT_DOCTOR),
        )
        .filter(Q(department__contains="中医") | Q(certificates__scope=Certificate.Scope.TCM))
        .values_list("institution_id", flat=True)
    )
    failing = []
    for institution in centres:
        problems = []
        capabilities = getattr(institution, "capabilities", None)
        if capabilities is None:
            problems.append(_("capabilities not recorded"))
        elif not capabilities.has_tcm_hall:
            problems.append(_("no TCM hall or department"))
        if institution.pk not in with_tcm_doctor:
            problems.append(_("no TCM physician"))
        if problems:
            failing.append(institution_failing(institution, "；".join(problems)))
    for institution in outposts:
        capabilities = getattr(institution, "capabilities", None)
        if capabilities is None:
            failing.append(institution_failing(institution, _("capabilities not recorded")))
        elif not capabilities.stocks_chinese_patent_medicines:
            failing.append(
                institution_failing(institution, _("does not stock Chinese patent medicines"))
            )
    return Outcome(
        FAIL if failing else PASS,
        f"{len(checked) - len(failing)}/{len(checked)}",
        threshold,
        failing,
        checked=len(checked),
    )


def org_10(ctx: Context, rule: RuleConfig) -> Outcome:
    """Central THCs: standard fever clinic and a negative-pressure ambulance; other THCs: a fever
    consultation room; ≥ level-2 public general hospitals: an infectious disease department
    (SXM-18)."""
    thcs = list(
        ctx.institutions().filter(type=Type.THC).select_related("capabilities").order_by("path")
    )
    hospitals = list(
        ctx.institutions()
        .filter(
            type=Type.COUNTY_HOSPITAL,
            ownership=Institution.Ownership.PUBLIC,
            capabilities__hospital_level__in=(
                HospitalLevel.LEVEL_2,
                HospitalLevel.LEVEL_2A,
                HospitalLevel.LEVEL_3,
            ),
        )
        .select_related("capabilities")
    )
    threshold = _("fever clinic and ambulance per SXM-18")
    if not any(hasattr(i, "capabilities") for i in thcs):
        return Outcome(NOT_ENOUGH_DATA, None, threshold, note=_("No capabilities on record."))
    failing = []
    for thc in thcs:
        capabilities: Capabilities | None = getattr(thc, "capabilities", None)
        if capabilities is None:
            failing.append(institution_failing(thc, _("capabilities not recorded")))
            continue
        problems = []
        if thc.is_central:
            if capabilities.fever_clinic != FeverClinic.STANDARD_CLINIC:
                problems.append(_("central THC without a standard fever clinic"))
            if capabilities.negative_pressure_ambulances < 1:
                problems.append(_("central THC without a negative-pressure ambulance"))
        elif capabilities.fever_clinic == FeverClinic.NONE:
            problems.append(_("no fever consultation room"))
        if problems:
            failing.append(institution_failing(thc, "；".join(problems)))
    for hospital in hospitals:
        if not hospital.capabilities.has_infectious_disease_department:
            failing.append(institution_failing(hospital, _("no infectious disease department")))
    checked = len(thcs) + len(hospitals)
    return Outcome(
        FAIL if failing else PASS,
        f"{checked - len(failing)}/{checked}",
        threshold,
        failing,
        checked=checked,
    )


def org_11(ctx: Context, rule: RuleConfig) -> Outcome:
    """The county has at least one medical emergency team (SXM-17)."""
    minimum = int(rule.param("min_teams"))
    counts = Capabilities.objects.filter(institution__in=ctx.institutions()).aggregate(
        keeping=Count("pk", filter=Q(emergency_teams__gt=0)), total=Sum("emergency_teams")
    )
    teams, total = counts["keeping"], counts["total"] or 0
    failing = (
        [county_failing(ctx.county, _("%(count)d medical emergency teams") % {"count": total})]
        if total < minimum
        else []
    )
    return Outcome(
        FAIL if failing else PASS,
        total,
        _("≥ %(count)d teams") % {"count": minimum},
        failing,
        note=_("%(count)d institutions keep a team.") % {"count": teams},
        checked=1,
    )


def _designation_share(
    ctx: Context, rule: RuleConfig, types: tuple[str, ...], kind: str, missing: str
) -> Outcome:
    target = float(rule.param("share"))
    institutions = list(ctx.institutions().filter(type__in=types).order_by("path"))
    if not institutions:
        return Outcome(NOT_ENOUGH_DATA, None, f"≥ {percent(target)}")
    holding = set(
        Designation.objects.filter(institution__in=institutions, kind=kind).values_list(
            "institution_id", flat=True
        )
    )
    value = share(len(holding), len(institutions)) or 0.0
    failing = [institution_failing(i, missing) for i in institutions if i.pk not in holding]
    return Outcome(
        PASS if value >= target else FAIL,
        value,
        f"≥ {percent(target)}",
        failing if value < target else [],
        checked=len(institutions),
        display=percent(value, 1),
    )


def org_12_community_hospitals(ctx: Context, rule: RuleConfig) -> Outcome:
    """≥ 60 % of CHSCs built to community-hospital standard by 2025-12-31 (WD-2)."""
    return _designation_share(
        ctx,
        rule,
        (Type.CHSC,),
        Designation.Kind.COMMUNITY_HOSPITAL,
        _("not yet a community hospital"),
    )


def org_12_quality_standard(ctx: Context, rule: RuleConfig) -> Outcome:
    """≥ 40 % of THCs and CHSCs meet the recommended quality-service standard (WD-14)."""
    return _designation_share(
        ctx,
        rule,
        (Type.THC, Type.CHSC),
        Designation.Kind.QUALITY_RECOMMENDED,
        _("does not yet meet the recommended standard"),
    )
