"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py).

`build` makes a call in every phase at once (its dates are today), and a nominated
application from Kenya by another city (its applicant is none of the personas), with a
letter: the juror is assigned to it; the conflicted juror is assigned too but has
declared a conflict, so sees nothing of it (404 everywhere, as if it did not exist).
An award call is open too, for the coordinator of the persona's member to enter it."""

from gnlc.core.tests.matrix import ALL, PERSONAS, SIGNED_IN, only

SECRETARIAT_ONLY = only({"secretariat"})


def application_row(**overrides):
    """An application URL: hidden (404) from those who may not see it."""
    row = {
        "anonymous": 302,
        "outsider": 404,
        "coordinator": 404,
        "natcom": 200,
        "juror": 200,
        "conflicted_juror": 404,
        "secretariat": 200,
    }
    row.update(overrides)
    return row


def call_kwargs(o):
    return {"pk": o["admission_call"].pk}


def application_kwargs(o):
    return {"pk": o["admission_application"].pk}


def letter_kwargs(o):
    """Other apps' builds may point the private storage elsewhere after ours (they run
    later): the letter is put where the storage points when the URL is asked for."""
    from gnlc.admissions.tests.storage import store_letter

    store_letter()
    return application_kwargs(o)


ROUTES = {
    # Visitors see the open calls; signed-in users their admissions page.
    "admissions:home": (lambda o: {}, ALL),
    "admissions:calendar": (lambda o: {}, ALL),
    # Moved to accounts: the old links redirect there, for everyone.
    "admissions:register": (lambda o: {}, dict.fromkeys(PERSONAS, 301)),
    "admissions:verify": (
        lambda o: {"token": o["verification_token"]},
        dict.fromkeys(PERSONAS, 301),
    ),
    "admissions:call": (call_kwargs, ALL),
    "admissions:apply": (call_kwargs, SIGNED_IN),
    # Only a member's coordinator enters it for the award.
    "admissions:apply-award": (
        lambda o: {"pk": o["admission_award_call"].pk},
        only({"coordinator"}),
    ),
    # The secretariat's call pages: each GET page says what its button would do (or
    # why it cannot be done now), so it answers 200 to the secretariat whatever the
    # call's state; a draft's pages are 404 for everyone else (test_calls.py).
    "admissions:call-new": (lambda o: {}, SECRETARIAT_ONLY),
    "admissions:call-create": (lambda o: {"kind": "membership"}, SECRETARIAT_ONLY),
    "admissions:call-edit": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:call-open": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:call-close": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:call-archive": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:call-restore": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:manage": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:assignments": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:conflicts": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:scores": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:reviews-csv": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:decisions": (call_kwargs, SECRETARIAT_ONLY),
    # What the public will see at the announcement: confidential until then.
    "admissions:publication-preview": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:decisions-apply": (call_kwargs, SECRETARIAT_ONLY),
    "admissions:application": (application_kwargs, application_row()),
    "admissions:application-edit": (
        application_kwargs,
        application_row(natcom=403, juror=403, secretariat=403),
    ),
    "admissions:application-letter": (letter_kwargs, application_row()),
    # POST only: a GET is refused whoever asks (after the log-in).
    "admissions:application-transition": (
        application_kwargs,
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
    ),
    "admissions:review": (application_kwargs, application_row(natcom=403, secretariat=403)),
    "admissions:declare-conflict": (
        application_kwargs,
        application_row(natcom=403, secretariat=403),
    ),
    "admissions:natcom": (lambda o: {}, only({"natcom", "secretariat"})),
    "admissions:jury": (lambda o: {}, only({"juror", "conflicted_juror"})),
    "admissions:juror-profile": (lambda o: {}, only({"juror", "conflicted_juror"})),
    # Jurors' changes of country, which decide conflicts: the secretariat's alone.
    "admissions:juror-changes": (lambda o: {}, SECRETARIAT_ONLY),
    "admissions:outbox": (lambda o: {}, SECRETARIAT_ONLY),
}


def build(member, personas):
    from gnlc.admissions.enums import ApplicationState
    from gnlc.admissions.models import Conflict, JurorProfile, Review
    from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory
    from gnlc.admissions.tests.storage import store_letter, use_temporary_private_storage

    use_temporary_private_storage()
    store_letter()
    call = CallFactory()
    application = ApplicationFactory(
        call=call, country=member.country, city_name="Eldoret", state=ApplicationState.NOMINATED
    )
    for name in ("juror", "conflicted_juror"):
        JurorProfile.objects.create(user=personas[name], country_id="FR")
        Review.objects.create(application=application, juror=personas[name])
    Conflict.objects.create(
        application=application,
        juror=personas["conflicted_juror"],
        kind="institutional",
        note="Advised the city's learning festival.",
    )
    award_call = CallFactory(kind="award", title="Learning City Award")
    return {
        "admission_call": call,
        "admission_award_call": award_call,
        "admission_application": application,
    }
