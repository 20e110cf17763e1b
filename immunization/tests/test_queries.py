from immunization.queries import clinics_for
from immunization.tests.factories import make_clinic


def test_village_doctor_works_at_the_clinic_of_the_centre_above(county, village_doctor):
    clinic = make_clinic(county)
    assert list(clinics_for(village_doctor)) == [clinic]


def test_township_doctor_sees_own_centres_clinic(county, township_doctor):
    clinic = make_clinic(county)
    assert list(clinics_for(township_doctor)) == [clinic]


def test_outsider_from_another_township_does_not_see_it(county, outsider):
    make_clinic(county)
    assert list(clinics_for(outsider)) == []
