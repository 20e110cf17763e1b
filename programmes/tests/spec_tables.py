"""The tables of public-health-services.md, transcribed once for every test module.

Codes (contact codes, symptom codes) are the API's names for the spec's words; each is listed
next to the words it stands for.
"""

# §2.1 Children 0–6: contact code, age in months, confidence. The newborn visit is within 7 days
# of discharge; the full-month visit on day 28–30; then 3–36 months (V) and 4, 5, 6 years (C).
CHILD_CONTACTS = [
    ("newborn", 0, "V"),
    ("m1", 1, "V"),
    ("m3", 3, "V"),
    ("m6", 6, "V"),
    ("m8", 8, "V"),
    ("m12", 12, "V"),
    ("m18", 18, "V"),
    ("m24", 24, "V"),
    ("m30", 30, "V"),
    ("m36", 36, "V"),
    ("y4", 48, "C"),
    ("y5", 60, "C"),
    ("y6", 72, "C"),
]
NEWBORN_WITHIN_DAYS_OF_DISCHARGE = 7
FULL_MONTH_DAYS = (28, 30)
CHILDREN_UNTIL_AGE_YEARS = 7  # §1: up to the 7th birthday

# §2.2 Pregnancy: antenatal visit number, completed gestational weeks from, to.
ANTENATAL_WEEKS = [(1, 0, 12), (2, 16, 20), (3, 21, 24), (4, 28, 36), (5, 37, 40)]
POSTPARTUM_WITHIN_DAYS_OF_DISCHARGE = 7
CHECK_DAYS_AFTER_DELIVERY = 42

# §2.3 Minimum visits a year.
VISITS_PER_YEAR = {"hypertension": 4, "diabetes": 4, "smd": 4, "elderly": 1}

# §3 Design ranges: field, minimum, maximum.
RANGES = [
    ("sbp", 60, 300),
    ("dbp", 30, 200),
    ("heart_rate", 30, 220),
    ("weight_kg", 20, 250),
    ("height_cm", 50, 230),
    ("waist_cm", 40, 200),
    ("bmi", 10, 70),
    ("fpg_mmol_l", 1.0, 35.0),
    ("hba1c_percent", 3.0, 20.0),
    ("smoking_per_day", 0, 100),
    ("drinking_liang_per_day", 0, 40),
    ("exercise_times_per_week", 0, 21),
    ("exercise_minutes", 0, 600),
    ("staple_food_g", 0, 2000),
    ("child_weight_kg", 0.3, 60),
    ("child_length_cm", 25, 150),
    ("head_cm", 20, 60),
    ("hb_g_l", 30, 250),
    ("risk_level", 0, 5),
    ("gestational_weeks", 0, 45),
]

# §4.1 BP grade [HTN18]: grade, SBP from–to, DBP from–to (None: open); the higher grade wins.
BP_GRADES = [
    ("normal", (None, 119), (None, 79)),
    ("high_normal", (120, 139), (80, 89)),
    ("grade_1", (140, 159), (90, 99)),
    ("grade_2", (160, 179), (100, 109)),
    ("grade_3", (180, None), (110, None)),
]
ISOLATED_SYSTOLIC_SBP_AT_LEAST = 140
ISOLATED_SYSTOLIC_DBP_BELOW = 90

# §4.1 On target: from age, SBP below, DBP below, confidence.
HTN_TARGETS = [(0, 140, 90, "V"), (65, 150, 90, "C")]

# §4.1 Emergency row.
HTN_EMERGENCY_SBP = 180
HTN_EMERGENCY_DBP = 110
HTN_EMERGENCY_SYMPTOMS = {
    "altered consciousness": "altered_consciousness",
    "severe headache": "severe_headache",
    "(severe) dizziness": "severe_dizziness",
    "vomiting": "vomiting",
    "blurred vision": "blurred_vision",
    "eye pain": "eye_pain",
    "palpitations": "palpitations",
    "chest tightness": "chest_tightness",
    "orthopnoea": "orthopnoea",
    "a disease the clinic cannot handle": "condition_beyond_clinic",
}

# §4.2 Emergency row and target.
DM_GLUCOSE_HIGH = 16.7  # ≥
DM_GLUCOSE_LOW = 3.9  # ≤
DM_EMERGENCY_SBP = 180
DM_EMERGENCY_DBP = 110
DM_HEART_RATE_ABOVE = 100
DM_TEMPERATURE_ABOVE = 39.0
DM_FPG_TARGET_BELOW = 7.0
DM_EMERGENCY_SYMPTOMS = {
    "altered consciousness": "altered_consciousness",
    "acetone breath": "acetone_breath",
    "palpitations": "palpitations",
    "sweating": "sweating",
    "vomiting": "vomiting",
    "heavy drinking and urination": "polydipsia_polyuria",
    "abdominal pain": "abdominal_pain",
    "deep breathing": "deep_breathing",
    "flushing": "flushing",
    "sudden loss of vision": "sudden_vision_loss",
}

# §4.1/§4.2: every row but "controlled" follows up within 2 weeks.
FOLLOWUP_WITHIN_WEEKS = 2

# §4.3 SMD: risk level → category when everything else is as good as "stable" asks.
SMD_RISK_CATEGORY = {
    0: "stable",
    1: "basically_stable",
    2: "basically_stable",
    3: "unstable",
    4: "unstable",
    5: "unstable",
}
# Category: refer immediately, next visit within weeks (basically stable: observe 2 weeks;
# stable: 3 months, taken as 12 weeks).
SMD_ACTIONS = {
    "unstable": (True, 2),
    "basically_stable": (False, 2),
    "stable": (False, 12),
}

# §4.4 TB: phase, supervisor, days between visits.
TB_INTERVALS = [
    ("intensive", "family_member", 10),
    ("continuation", "family_member", 30),
    ("intensive", "medical_staff", 30),
    ("continuation", "medical_staff", 30),
]
TB_FIRST_HOME_VISIT_HOURS = 72

# §1 Who is enrolled: programme, min age, max age (exclusive), ICD-10 prefixes of the diseases.
ELIGIBILITY = [
    ("child", 0, 7, ()),
    ("elderly", 65, None, ()),
    ("hypertension", 35, None, ("I10",)),
    ("diabetes", 35, None, ("E11",)),
    ("tb", None, None, ("A15", "A16")),
]
# §1 SMD's 6 diseases and the ICD-10 codes standing for them.
SMD_DISEASES = {
    "精神分裂症": ("F20",),
    "分裂情感性障碍": ("F25",),
    "偏执性精神病": ("F22",),
    "双相情感障碍": ("F31",),
    "癫痫所致精神障碍": ("F06",),
    "精神发育迟滞伴发精神障碍": tuple(f"F7{digit}" for digit in range(10)),
}

# §1 HTN screening: a reading ≥ 140 and/or ≥ 90 is high; high on 3 different days = suspected.
SCREEN_SBP = 140
SCREEN_DBP = 90
SCREEN_HIGH_DAYS = 3
# §4.2 DM20 diagnosis.
DIAGNOSIS_FPG = 7.0
