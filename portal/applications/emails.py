"""Every mail about applications: one function per message, in the reader's language, in the shared notice layout
(portal.mail.services.queue_notice)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.db import utcnow
from portal.mail.services import mail_url, queue_mail, queue_notice_to
from portal.provinces import province_name


def _to_applicant(application, subject, paragraphs, key, quote="", link=None, link_label=""):
    # The notice layout, with a footer for a person who is not (yet) a member (templates/mail/applications).
    queue_mail(application.applicant_email, "applications/applicant", subject, kind="applicant",
               language=application.language, idempotency_key=f"application-{application.id}-{key}",
               greeting=_l("Dear %(name)s,", name=application.applicant_name), paragraphs=paragraphs, quote=quote,
               items=[], link=link, link_label=link_label)


def send_confirmation_request(application, token, again=False):
    """Ask the applicant to confirm their address before the application reaches the coordinators (`again`: the
    applicant asked for the link once more)."""
    _to_applicant(
        application, _l("Confirm your application to the PR Network"),
        [_l("Thank you for applying on behalf of %(organisation)s.", organisation=application.name_in(application.language)),
         _l("Confirm your email address so that the coordinators can review your application. "
            "The link works for three days.")],
        f"confirm-{utcnow().timestamp():.6f}" if again else "confirm",
        link=mail_url("applications.confirm_application", token=token),
        link_label=_l("Confirm my application"))


def send_receipt(application, token):
    """Tell the applicant the application is in the queue, with their private status link."""
    _to_applicant(
        application, _l("We have received your application"),
        [_l("Your application for %(organisation)s is now with the network coordinators.",
            organisation=application.name_in(application.language)),
         _l("You can follow it at any time through your private status page. Keep this link to yourself.")],
        "receipt", link=mail_url("applications.application_status", token=token), link_label=_l("Open my status page"))


def send_info_request(application, token):
    """Ask the applicant for more information; they answer on their status page."""
    _to_applicant(
        application, _l("The coordinators need more information"),
        [_l("The coordinators reviewing the application of %(organisation)s ask:", organisation=application.name_in(application.language))],
        f"info-{application.updated_at.timestamp():.0f}", quote=application.info_request,
        link=mail_url("applications.application_status", token=token), link_label=_l("Answer on my status page"))


def send_approval(application):
    """Welcome the approved organisation; the invitation to set up an account comes in its own mail."""
    paragraphs = [_l("The application of %(organisation)s has been approved. Welcome to the PR Network.",
                     organisation=application.name_in(application.language)),
                  _l("A separate mail brings your invitation to set up your account as the organisation's admin.")]
    _to_applicant(application, _l("Your application has been approved"), paragraphs, "approved",
                  quote=application.decision_note)


def send_rejection(application, token):
    """Tell the applicant the application was not approved, and why."""
    _to_applicant(
        application, _l("About your application to the PR Network"),
        [_l("The coordinators could not approve the application of %(organisation)s at this time, for this reason:",
            organisation=application.name_in(application.language)),
         _l("You are welcome to apply again later.")],
        "rejected", quote=application.decision_note,
        link=mail_url("applications.application_status", token=token), link_label=_l("Open my status page"))


def _to_coordinators(coordinators, application, subject, paragraph, key, quote=""):
    """A notice to each coordinator; `subject` and `paragraph` are functions of the coordinator's language, so that
    the organisation's name and province are in it too."""
    for coordinator in coordinators:
        language = coordinator.language
        queue_notice_to(coordinator, f"application-{application.id}-{key}", subject(language), [paragraph(language)],
                        quote=quote, link=mail_url("applications.review_application", application_id=application.id),
                        link_label=_l("Review the application"), kind="applications")


def notify_coordinators_of_new_application(application, coordinators):
    """Tell every coordinator that an application is waiting."""
    _to_coordinators(
        coordinators, application,
        lambda language: _l("New application: %(organisation)s", organisation=application.name_in(language)),
        lambda language: _l("%(organisation)s (%(province)s) has applied to join the network.",
                            organisation=application.name_in(language),
                            province=province_name(application.province, language)), "new")


def notify_coordinators_of_reply(application, coordinators):
    """Tell every coordinator that the applicant answered their question."""
    _to_coordinators(
        coordinators, application,
        lambda language: _l("Answer from %(organisation)s", organisation=application.name_in(language)),
        lambda language: _l("%(organisation)s has answered your question and is back in the queue.",
                            organisation=application.name_in(language)),
        f"reply-{application.updated_at.timestamp():.0f}", quote=application.applicant_reply)


def send_waiting_summary(coordinators, applications, days):
    """The daily summary of applications waiting more than `days` days."""
    day = utcnow().date().isoformat()
    for coordinator in coordinators:
        queue_notice_to(coordinator, f"applications-waiting-{day}", _l("Applications waiting for a decision"),
                   [lazy_ngettext("%(num)d application has waited more than %(days)d days:",
                                  "%(num)d applications have waited more than %(days)d days:", len(applications),
                                  days=days)],
                   items=[f"{a.name_in(coordinator.language)} ({province_name(a.province, coordinator.language)})"
                          for a in applications],
                   link=mail_url("applications.approval_queue"), link_label=_l("Open the approval queue"),
                   kind="applications")


