"""Applications to join: submit, confirm, find duplicates, decide, answer; and the approval queue."""

import difflib
import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.applications import emails
from portal.applications.models import (
    OPEN_APPLICATION_STATES,
    UNDECIDED_APPLICATION_STATES,
    Application,
    ApplicationStatus,
)
from portal.audit.models import AuditEvent
from portal.audit.services import record
from portal.auth import services as accounts
from portal.auth.models import User
from portal.db import LIKE_ESCAPE, claim, contains_pattern, fetch_page, utcnow
from portal.extensions import db
from portal.organisations import invitations
from portal.organisations.models import Organisation, OrgStatus
from portal.privacy_notice import CURRENT as CURRENT_NOTICE
from portal.provinces import codes_matching
from portal.tokens import TokenError, make_token, read_token

STATUS_TOKEN_MAX_AGE = 5 * 365 * 86400  # the private status link keeps working for years
QUEUE_PAGE_SIZE = 50
RESUBMISSION_WINDOW = timedelta(minutes=30)  # the same form sent again within it is the same application
_COMPARED_FIELDS = ("name_th", "name_en", "sector", "region", "province", "website", "channels", "description",
                   "applicant_name", "applicant_email", "applicant_position", "motivation")
# Words that say what kind of body an organisation is, not which one: left out when names are compared.
_NAME_NOISE = re.compile(
    r"บริษัท|จำกัด|\(มหาชน\)|มหาชน|สำนักงาน|องค์กร|มูลนิธิ|สมาคม|\b(?:co|ltd|limited|plc|public|company|inc|"
    r"the|of|and|office|foundation|association)\b|[^\w]", re.IGNORECASE)


class ApplicationError(ValueError):
    """A rule about applications was broken; the message (translatable) is for the user."""


class AlreadyDecided(ApplicationError):
    """Another coordinator decided first."""


class AlreadyConfirmed(TokenError):
    """The confirmation link was followed before: the application (`application`) is past that step."""

    def __init__(self, application):
        super().__init__()
        self.application = application


def _claim(application, allowed, refusal, **values):
    """Move the application out of an allowed state in one conditional UPDATE, or roll back and raise `refusal`.

    The database checks the state, not the loaded object, which may be stale: of two requests changing an application
    (a coordinator's decision, the applicant's reply or withdrawal), the first wins and the other saves nothing.
    """
    if not claim(db.session, Application, Application.id == application.id, Application.status.in_(allowed),
                 updated_at=utcnow(), **values):
        db.session.rollback()
        raise refusal
    db.session.refresh(application)


# The applicant's side

def identical_recent_application(**fields):
    """The open application sent a moment ago with exactly these fields (the form sent twice, by Back and resubmit or
    a double click), or None."""
    email = accounts.normalise_email(fields.get("applicant_email", ""))
    recent = db.session.scalars(sa.select(Application).where(
        Application.applicant_email == email, Application.created_at >= utcnow() - RESUBMISSION_WINDOW,
        Application.status.in_(UNDECIDED_APPLICATION_STATES))
        .order_by(Application.id.desc())).all()
    wanted = {name: str(fields.get(name) or "") for name in _COMPARED_FIELDS} | {"applicant_email": email}

    def sent_as(application):
        return {name: str(getattr(getattr(application, name), "value", getattr(application, name)) or "")
                for name in _COMPARED_FIELDS}

    return next((application for application in recent if sent_as(application) == wanted), None)


def submit_application(language, privacy_accepted=False, **fields):
    """Save an application from the public form and mail the applicant a confirmation link (with the version of the
    privacy notice they ticked, carried over to their account when it is made)."""
    application = Application(language=language, nonce=secrets.token_urlsafe(16),
                              status=ApplicationStatus.UNCONFIRMED, **fields)
    if privacy_accepted:
        application.privacy_version = CURRENT_NOTICE.version
        application.privacy_accepted_at = utcnow()
    application.applicant_email = accounts.normalise_email(application.applicant_email)
    db.session.add(application)
    db.session.flush()
    emails.send_confirmation_request(application, make_token("application-confirm", _token_data(application)))
    record("application.submitted", application, actor=None, actor_name=_audit_name(application),
           email=application.applicant_email)
    return application


def _audit_name(application):
    """How the audit log names an applicant, who acts without an account: the name they gave, else their address."""
    return application.applicant_name or application.applicant_email


def _token_data(application):
    return {"a": application.id, "n": application.nonce}


def _application_for(purpose, token, max_age):
    data = read_token(purpose, token, max_age)
    application = db.session.get(Application, data.get("a", 0))
    if application is None or application.nonce != data.get("n"):
        raise TokenError()
    return application


def application_to_confirm(token):
    """Return the unconfirmed application of a confirmation link, or raise TokenError (AlreadyConfirmed for a link
    followed before)."""
    application = _application_for("application-confirm", token, current_app.config["APPLICATION_CONFIRM_MAX_AGE"])
    if application.status != ApplicationStatus.UNCONFIRMED:
        raise AlreadyConfirmed(application)
    return application


def resend_confirmation_request(application):
    """Mail the confirmation link again (the first mail went astray or was deleted)."""
    if application.status != ApplicationStatus.UNCONFIRMED:
        raise ApplicationError(_l("This application is already confirmed."))
    emails.send_confirmation_request(application, make_token("application-confirm", _token_data(application)),
                                     again=True)


def application_for_status_link(token):
    """Return the application of a private status link, or raise TokenError."""
    return _application_for("application-status", token, STATUS_TOKEN_MAX_AGE)


def status_token(application):
    """The token of the applicant's private status link."""
    return make_token("application-status", _token_data(application))


def confirm_application(application):
    """The applicant confirmed the address: the application enters the queue; coordinators are told.

    Raises TokenError when the link was used meanwhile (the same link followed twice at once confirms once)."""
    if not claim(db.session, Application, Application.id == application.id,
                 Application.status == ApplicationStatus.UNCONFIRMED,
                 status=ApplicationStatus.PENDING, submitted_at=utcnow(), updated_at=utcnow()):
        db.session.rollback()
        raise AlreadyConfirmed(db.session.get(Application, application.id))
    db.session.refresh(application)
    application.possible_duplicates = find_duplicates(application)
    emails.send_receipt(application, status_token(application))
    emails.notify_coordinators_of_new_application(application, coordinators())
    record("application.confirmed", application, actor=None, actor_name=_audit_name(application))


def reply_to_info_request(application, reply):
    """The applicant answered the coordinators' question: the application returns to the queue."""
    _claim(application, (ApplicationStatus.NEEDS_INFO,),
           ApplicationError(_l("This application is not waiting for an answer.")),
           status=ApplicationStatus.PENDING, applicant_reply=reply.strip())
    emails.notify_coordinators_of_reply(application, coordinators())
    record("application.replied", application, actor=None, actor_name=_audit_name(application))


def withdraw_application(application):
    """The applicant takes the application back."""
    _claim(application, UNDECIDED_APPLICATION_STATES,
           ApplicationError(_l("This application can no longer be withdrawn.")), status=ApplicationStatus.WITHDRAWN)
    record("application.withdrawn", application, actor=None, actor_name=_audit_name(application))


def applicant_details_for(invitation):
    """What an approved applicant told us of themselves (their name, the privacy notice they accepted), for the
    account the invitation their approval sent them makes (or None)."""
    if not invitation.from_approval:
        return None
    applicant = db.session.execute(sa.select(
        Application.applicant_name, Application.privacy_version, Application.privacy_accepted_at).where(
        Application.organisation_id == invitation.organisation_id, Application.applicant_email == invitation.email,
        Application.status == ApplicationStatus.APPROVED).limit(1)).first()
    if applicant is None:
        return None
    return {"name": applicant.applicant_name, "privacy_version": applicant.privacy_version,
            "privacy_accepted_at": applicant.privacy_accepted_at}


# Duplicates

def _name_key(name):
    return _NAME_NOISE.sub("", (name or "").lower())


def _domain(website):
    host = urlsplit(website if "//" in (website or "") else f"//{website or ''}").hostname or ""
    return host.removeprefix("www.")


def _similar(a, b):
    a, b = _name_key(a), _name_key(b)
    return bool(a and b) and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85)


def find_duplicates(application):
    """Member organisations and open applications that look like this one (similar name or same web domain)."""
    domain = _domain(application.website)
    candidates = [("organisation", o.id, o.name_th, o.name_en, o.website) for o in db.session.execute(
        sa.select(Organisation.id, Organisation.name_th, Organisation.name_en, Organisation.website)
        .where(Organisation.status != OrgStatus.LEFT))]
    candidates += [("application", a.id, a.name_th, a.name_en, a.website) for a in db.session.execute(
        sa.select(Application.id, Application.name_th, Application.name_en, Application.website)
        .where(Application.status.in_(OPEN_APPLICATION_STATES), Application.id != application.id))]
    found = []
    for kind, key, name_th, name_en, website in candidates:
        reasons = []
        if _similar(application.name_th, name_th) or _similar(application.name_en, name_en):
            reasons.append("name")
        if domain and domain == _domain(website):
            reasons.append("website")
        if reasons:
            found.append({"kind": kind, "id": key, "name": name_th, "reasons": reasons})
    return found


# The coordinators' side

def coordinators():
    """Every active coordinator, who hears about new applications."""
    return db.session.scalars(sa.select(User).where(User.is_admin, User.active)).all()


def _claim_decision(application, allowed, by, **values):
    """Claim a coordinator's decision on the application (see `_claim`): the first decision wins."""
    _claim(application, allowed, AlreadyDecided(_l("Another coordinator has already decided on this application.")),
           reviewer_id=by.id, **values)


def approve_application(application, note, by):
    """Approve: create the organisation from the application and invite the applicant as its admin."""
    _claim_decision(application, OPEN_APPLICATION_STATES, by, status=ApplicationStatus.APPROVED,
                    decision_note=note.strip(), decided_at=utcnow())
    organisation = Organisation(
        slug=_unique_slug(application.name_en or application.name_th), name_th=application.name_th,
        name_en=application.name_en, sector=application.sector, region=application.region,
        province=application.province, description=application.description, website=application.website)
    db.session.add(organisation)
    db.session.flush()
    application.organisation = organisation
    invitations.invite(application.applicant_email, organisation, "org_admin", by=by, language=application.language,
                       from_approval=True)
    emails.send_approval(application)
    record("application.approved", application, actor=by, organisation=organisation, note=note or None)
    return organisation


def request_more_information(application, question, by):
    """Ask the applicant a question; they answer through their status link."""
    if not question.strip():
        raise ApplicationError(_l("Write what you need to know."))
    _claim_decision(application, (ApplicationStatus.PENDING,), by, status=ApplicationStatus.NEEDS_INFO,
                    info_request=question.strip(), applicant_reply="")
    emails.send_info_request(application, status_token(application))
    record("application.info_requested", application, actor=by, question=question.strip())


def reject_application(application, reason, by):
    """Decline with a reason the applicant sees; they may apply again later."""
    if not reason.strip():
        raise ApplicationError(_l("Give the applicant a reason."))
    _claim_decision(application, OPEN_APPLICATION_STATES, by, status=ApplicationStatus.REJECTED,
                    decision_note=reason.strip(), decided_at=utcnow())
    emails.send_rejection(application, status_token(application))
    record("application.rejected", application, actor=by, reason=reason.strip())


def _unique_slug(name):
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "organisation"
    taken = set(db.session.scalars(sa.select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def approval_queue(status=ApplicationStatus.PENDING, region=None, sector=None, text="", page=1):
    """One Page of applications in a state, oldest first, filtered; and the count of each state. Two queries."""
    query = sa.select(Application).where(Application.status == status)
    if region:
        query = query.where(Application.region == region)
    if sector:
        query = query.where(Application.sector == sector)
    if text:
        pattern = contains_pattern(text.lower())
        query = query.where(sa.or_(*(column.like(pattern, escape=LIKE_ESCAPE) for column in (
            sa.func.lower(Application.name_th), sa.func.lower(Application.name_en),
            sa.func.lower(Application.applicant_name), Application.applicant_email,
            sa.func.lower(Application.province))), Application.province.in_(codes_matching(text))))
    found = fetch_page(db.session, query.order_by(Application.submitted_at, Application.id), page, QUEUE_PAGE_SIZE)
    counts = dict(db.session.execute(sa.select(Application.status, sa.func.count()).group_by(Application.status)).all())
    return found, counts


def application_history(application):
    """The audit events of an application, oldest first, with their actors."""
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.target_type == "application", AuditEvent.target_id == application.id)
        .order_by(AuditEvent.id).options(selectinload(AuditEvent.actor))
    ).all()


def send_waiting_summary(days=3):
    """Mail each coordinator the applications waiting longer than `days` days; return how many wait."""
    cutoff = utcnow() - timedelta(days=days)
    waiting = db.session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.PENDING, Application.submitted_at < cutoff)
        .order_by(Application.submitted_at)).all()
    if waiting:
        emails.send_waiting_summary(coordinators(), waiting, days)
    return len(waiting)
