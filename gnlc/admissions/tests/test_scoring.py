import pytest
from django.utils import timezone

from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Review
from gnlc.admissions.scoring import juror_calibration, score_table
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_juror

pytestmark = pytest.mark.django_db


def test_score_table_calibrates_lenient_and_strict_jurors():
    call = CallFactory(criteria=[("Only", 1)])
    (criterion,) = call.criteria.all()
    north = ApplicationFactory(call=call, city_name="North", state=S.NOMINATED)
    south = ApplicationFactory(call=call, city_name="South", state=S.NOMINATED)
    lenient, strict = make_juror(), make_juror()
    for juror, scores in ((lenient, {north: 5, south: 4}), (strict, {north: 2, south: 3})):
        for application, score in scores.items():
            Review.objects.create(
                application=application,
                juror=juror,
                scores={str(criterion.pk): score},
                recommendation="admit",
                submitted_at=timezone.now(),
            )

    rows = {row["application"].city_name: row for row in score_table(call)}

    # Raw means tie (3.5 each); calibrated, each juror preferred a different city equally.
    assert (rows["North"]["raw_mean"], rows["South"]["raw_mean"]) == (3.5, 3.5)
    assert (rows["North"]["z_mean"], rows["South"]["z_mean"]) == (0.0, 0.0)
    assert rows["North"]["admit"] == 2
    assert {row["region_rank"] for row in rows.values()} == {1, 2}
    assert [(j["reviews"], j["mean"], j["sd"]) for j in juror_calibration(call)] == [
        (2, 4.5, 0.5),
        (2, 2.5, 0.5),
    ] or [(j["reviews"], j["mean"], j["sd"]) for j in juror_calibration(call)] == [
        (2, 2.5, 0.5),
        (2, 4.5, 0.5),
    ]


def test_score_table_ranks_by_calibrated_score_within_region():
    call = CallFactory(criteria=[("Only", 1)])
    (criterion,) = call.criteria.all()
    a = ApplicationFactory(call=call, city_name="A", state=S.NOMINATED)
    b = ApplicationFactory(call=call, city_name="B", state=S.NOMINATED)
    juror = make_juror()
    for application, score in ((a, 2), (b, 4)):
        Review.objects.create(
            application=application,
            juror=juror,
            scores={str(criterion.pk): score},
            submitted_at=timezone.now(),
        )

    rows = score_table(call)

    assert [(r["application"].city_name, r["region_rank"], r["z_mean"]) for r in rows] == [
        ("B", 1, 1.0),
        ("A", 2, -1.0),
    ]
