"""Validation limits of the visit forms' measurements (PH-3): spec §3, design limits.

``RANGES[field] = (minimum, maximum, unit)``, both ends inclusive. They are our design limits, not
source values; SBP must also be above DBP. ``temperature_c`` and ``age_years`` are not in §3:
they bound the decisions' inputs the same way.
"""

CITATION = "spec §3 (design limits)"

RANGES: dict[str, tuple[float, float, str]] = {
    "sbp": (60, 300, "mmHg"),
    "dbp": (30, 200, "mmHg"),
    "heart_rate": (30, 220, "/min"),
    "weight_kg": (20, 250, "kg"),
    "height_cm": (50, 230, "cm"),
    "waist_cm": (40, 200, "cm"),
    "bmi": (10, 70, "kg/m²"),
    "fpg_mmol_l": (1.0, 35.0, "mmol/L"),
    "hba1c_percent": (3.0, 20.0, "%"),
    "smoking_per_day": (0, 100, "cigarettes/day"),
    "drinking_liang_per_day": (0, 40, "两/day"),
    "exercise_times_per_week": (0, 21, "times/week"),
    "exercise_minutes": (0, 600, "min/time"),
    "staple_food_g": (0, 2000, "g/day"),
    "child_weight_kg": (0.3, 60, "kg"),
    "child_length_cm": (25, 150, "cm"),
    "head_cm": (20, 60, "cm"),
    "hb_g_l": (30, 250, "g/L"),
    "risk_level": (0, 5, "level"),
    "gestational_weeks": (0, 45, "weeks"),
    "temperature_c": (30, 45, "°C"),
    "age_years": (0, 130, "years"),
}
