import io

import pytest

from gnlc.admissions.models import Call
from gnlc.library import demo
from gnlc.library.enums import PracticeState

pytestmark = pytest.mark.django_db


def test_demo_opens_one_themed_call_with_two_submissions_once(member):
    demo.create(io.StringIO(), "password")
    out = io.StringIO()

    demo.create(out, "password")

    call = Call.objects.get(kind="practices")
    assert call.is_open()
    assert call.theme.slug == "literacy"
    assert sorted(call.practices.values_list("slug", "state", "is_demo")) == [
        ("demo-call-1", PracticeState.SUBMITTED, True),
        ("demo-call-2", PracticeState.SUBMITTED, True),
    ]
    assert f"open demo call for practices at /library/calls/{call.pk}/, 0 submissions" in (
        out.getvalue()
    )
