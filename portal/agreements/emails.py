"""Every mail about agreements: one function per message, to each person in their language, with a link straight to
the page where they act (after logging in)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.agreements.access import signatories_of
from portal.agreements.models import AgreementKind
from portal.auth.models import User
from portal.extensions import db
from portal.i18n import format_date, in_language
from portal.mail.services import mail_url, queue_notice_to
from portal.organisations.profiles import admins_of


def _sign_link(version):
    return mail_url("agreements.sign", agreement_id=version.agreement_id, number=version.number)


def _deadline(version, language):
    with in_language(language):
        return format_date(version.signing_deadline, "long")


def _drafters(version):
    """Who answers for the agreement's drafts: the coordinators for a charter, the drafting organisation's admins."""
    agreement = version.agreement
    if agreement.kind == AgreementKind.CHARTER:
        return db.session.scalars(sa.select(User).where(User.is_admin, User.active)).all()
    return admins_of(agreement.author_organisation)


def ask_to_sign(version, organisations):
    """Ask each organisation's authorised signatories to sign; an organisation with none: its admins, to name one."""
    signatories = signatories_of(o.id for o in organisations)
    for organisation in organisations:
        people = signatories.get(organisation.id)
        for person in people or ():
            queue_notice_to(
                person, f"agreement-{version.id}-sign-{organisation.id}",
                _l("Please sign: %(title)s", title=version.title_in(person.language)),
                [_l("%(organisation)s is asked to sign version %(number)d of “%(title)s”.",
                    organisation=organisation.name_in(person.language), number=version.number,
                    title=version.title_in(person.language)),
                 _l("As an authorised signatory you can sign for it, or decline, until %(deadline)s.",
                    deadline=_deadline(version, person.language))],
                link=_sign_link(version), link_label=_l("Read and sign"), kind="signing")
        if not people:
            for admin in admins_of(organisation):
                queue_notice_to(
                    admin, f"agreement-{version.id}-no-signatory-{organisation.id}",
                    _l("Nobody can sign for %(organisation)s", organisation=organisation.name_in(admin.language)),
                    [_l("%(organisation)s is asked to sign “%(title)s”, but has no authorised signatory.",
                        organisation=organisation.name_in(admin.language), title=version.title_in(admin.language)),
                     _l("Name one on your organisation's profile, under People, before %(deadline)s.",
                        deadline=_deadline(version, admin.language))],
                    link=mail_url("organisations.profile", slug=organisation.slug),
                    link_label=_l("Open the organisation profile"), kind="signing")


def remind(version, organisation, days):
    """Remind an organisation's signatories that the deadline is near (`days` away)."""
    for person in signatories_of([organisation.id]).get(organisation.id, ()):
        queue_notice_to(
            person, f"agreement-{version.id}-remind-{organisation.id}-{days}",
            _l("Reminder: please sign %(title)s", title=version.title_in(person.language)),
            [_l("%(organisation)s has not yet answered version %(number)d of “%(title)s”. The deadline is "
                "%(deadline)s.", organisation=organisation.name_in(person.language), number=version.number,
                title=version.title_in(person.language), deadline=_deadline(version, person.language))],
            link=_sign_link(version), link_label=_l("Read and sign"), kind="signing")


def _to_everyone_involved(version, organisations, key, subject, paragraph, **parts):
    signatories = signatories_of(o.id for o in organisations)
    people = {person.id: person for group in signatories.values() for person in group}
    people.update((person.id, person) for person in _drafters(version))
    for person in people.values():
        queue_notice_to(person, f"agreement-{version.id}-{key}", subject(person.language),
                        [paragraph(person.language)], kind="agreements", **parts)


def tell_declined(version, given, organisations):
    """Tell the drafters and the parties' signatories that a party declined, and why."""
    _to_everyone_involved(
        version, organisations, f"declined-{given.organisation_id}",
        lambda language: _l("%(organisation)s declined %(title)s",
                            organisation=given.organisation.name_in(language), title=version.title_in(language)),
        lambda language: _l("%(organisation)s declined to sign version %(number)d of “%(title)s”, for this reason:",
                            organisation=given.organisation.name_in(language), number=version.number,
                            title=version.title_in(language)),
        quote=given.reason, link=_sign_link(version), link_label=_l("See the agreement"))


def tell_completed(version, certificate, organisations):
    """Tell every party's signatories and the drafters that every party has signed, with the certificate's link."""
    _to_everyone_involved(
        version, organisations, "completed",
        lambda language: _l("Signed by every party: %(title)s", title=version.title_in(language)),
        lambda language: _l("Every party has signed version %(number)d of “%(title)s”. Its certificate is "
                            "%(certificate)s.", number=version.number, title=version.title_in(language),
                            certificate=certificate.number),
        link=mail_url("agreements.certificate", agreement_id=version.agreement_id, number=version.number),
        link_label=_l("Open the certificate"))


def tell_deadline_passed(version, waiting):
    """Tell the drafters (and coordinators) that the deadline passed before every party signed."""
    people = {p.id: p for p in _drafters(version)}
    people.update((p.id, p) for p in db.session.scalars(sa.select(User).where(User.is_admin, User.active)))
    for person in people.values():
        queue_notice_to(
            person, f"agreement-{version.id}-deadline-passed",
            _l("Deadline passed: %(title)s", title=version.title_in(person.language)),
            [_l("The signing deadline of version %(number)d of “%(title)s” has passed. These parties did not sign:",
                number=version.number, title=version.title_in(person.language))],
            items=[o.name_in(person.language) for o in waiting],
            link=_sign_link(version), link_label=_l("See the agreement"), kind="agreements")
