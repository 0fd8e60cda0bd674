"""The admission cycle's models, one module per part of it: the call and its criteria
(call.py), the application and its history (application.py), the jury's profiles and
conflicts (jury.py), reviews (review.py), the outbox of e-mails (outbox.py) and the
Learning City Award's winners (award.py)."""

from gnlc.admissions.models.application import Application, ApplicationTransition, TransitionError
from gnlc.admissions.models.award import AwardWin
from gnlc.admissions.models.call import Call, Criterion, DeadlineChange
from gnlc.admissions.models.jury import Conflict, JurorProfile, JurorProfileChange
from gnlc.admissions.models.outbox import Message
from gnlc.admissions.models.review import Review, ReviewError

__all__ = [
    "Application",
    "ApplicationTransition",
    "AwardWin",
    "Call",
    "Conflict",
    "Criterion",
    "DeadlineChange",
    "JurorProfile",
    "JurorProfileChange",
    "Message",
    "Review",
    "ReviewError",
    "TransitionError",
]
